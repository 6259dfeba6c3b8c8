"""PostgreSQL and Redis that hang or starve while people talk, seen through a proxy (tcp_proxy.py).

A Rasa process of the README's scale-out set-up (deploy/endpoints.scale.yml as shipped: conversations
in PostgreSQL, locks in Redis) reaches this machine's real servers through proxies that a test makes
hang (connections open, nothing answered) or starve (everything answered, far too slowly). A red
flag must still get the emergency advice in its turn, in seconds; every other turn gets an answer
that says what happened, never a crash or silence; once the server answers again, the
conversation goes on where it was.
"""

import time
from typing import Iterator, Tuple

import pytest
import requests

from tests.e2e.conftest import SCALE_ENDPOINTS, BotServers, texts
from tests.e2e.tcp_proxy import TcpProxy

pytestmark = pytest.mark.e2e

RED_FLAG = "now i'm seeing spiders on the ceiling"
# The guard answers a turn that takes longer than this (TURN_TIMEOUT_SECONDS), and the stores give
# up on a server after their own time limits (STORE_TIMEOUT_SECONDS, Redis socket timeout).
TURN_TIMEOUT_S = 8


@pytest.fixture(scope="module")
def through_proxies(tmp_path_factory, database) -> Iterator[Tuple[BotServers, TcpProxy, TcpProxy]]:
    postgres, redis = TcpProxy(5432), TcpProxy(6379)
    env = {
        "DB_URL": database.replace("127.0.0.1:5432", postgres.url_host),
        "REDIS_URL": f"redis://{redis.url_host}/2",
        "TURN_TIMEOUT_SECONDS": str(TURN_TIMEOUT_S),
        "STORE_TIMEOUT_SECONDS": "3",
    }
    servers = BotServers(tmp_path_factory.mktemp("hung"), "hung-stores", endpoints_file=SCALE_ENDPOINTS, env_extra=env)
    try:
        servers.start_actions()
        servers.start_rasa()
        yield servers, postgres, redis
    finally:
        postgres.close()  # first: a connection left waiting on a starved server would hold up the stop
        redis.close()
        servers.stop()


def timed_say(servers: BotServers, person: str, text: str) -> Tuple[list, float]:
    started = time.monotonic()
    replies = servers.say(person, text)
    return replies, time.monotonic() - started


@pytest.mark.parametrize("part", ["redis", "postgres"])
@pytest.mark.parametrize("mode", ["hang", "starve"])
def test_a_hung_or_starved_store_still_gives_the_emergency_advice_and_the_conversation_goes_on(
    through_proxies, part, mode
):
    servers, postgres, redis = through_proxies
    proxy = redis if part == "redis" else postgres
    person, other = f"hung-{part}-{mode}", f"hung-{part}-{mode}-other"
    assert "tablets" in texts(servers.say(person, "i ran out of baclofen and my legs are stiff"))[-1].lower()
    proxy.set(mode)
    try:
        replies, seconds = timed_say(servers, person, RED_FLAG)
        assert texts(replies)[0].startswith("EMERGENCY: call 911"), texts(replies)
        assert seconds < TURN_TIMEOUT_S + 8, f"the emergency advice took {seconds:.0f} s"
        replies, seconds = timed_say(servers, other, "i ran out of baclofen and my legs are stiff")
        said = " ".join(texts(replies)).lower()
        assert said and seconds < TURN_TIMEOUT_S + 8, f"{seconds:.0f} s"
        if mode == "hang":  # told so, and the health check says which part
            assert "try again" in said or "send it again" in said or "was not saved" in said, said
            health = requests.get(f"{servers.url}/webhooks/health/", timeout=30).json()
            assert health["status"] == "failing"
            assert health["locks" if part == "redis" else "conversations"] != "ok", health
        else:  # starved: everything still arrives, slowly; the person is answered (the question, or told)
            assert "tablets" in said or "try again" in said or "send it again" in said, said
    finally:
        proxy.set("pass")
    # back: a new conversation works, and this one still knows the stiff legs it was told first
    assert "tablets" in texts(servers.say(f"{other}-after", "i ran out of baclofen and my legs are stiff"))[-1].lower()
    replies = servers.say(person, "tablets")
    assert any("anything else" in t.lower() or "emergency" in t.lower() for t in texts(replies)), texts(replies)
