"""Two Rasa server processes on the real PostgreSQL and Redis serve the same conversations.

Turns of each conversation go to the two processes alternately, many conversations at once; two
messages of one conversation may even arrive at both processes at the same moment. No turn may be
lost or applied twice, the order must be kept, and the triage must be the same as with one process.
The PostgreSQL and Redis servers run on these machines (`make test` starts them if they are down);
if they cannot be reached this test fails, it is never skipped.
"""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import sqlalchemy as sa

from bot.stores.scratch import ADMIN_URL, database_name, scratch_database
from tests.e2e.conftest import BotServers, two_rasa_processes

pytestmark = pytest.mark.e2e

REDIS_URL = "redis://127.0.0.1:6379/2"
TURNS = [
    "i ran out of baclofen on friday and my legs are really stiff",
    "tablets",
    "is baclofen addictive?",
    "no that's all",
    "no, none of these",
]


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory, database):
    """Two Rasa processes started from the shipped deploy/endpoints.scale.yml, as the README says."""
    assert redis.Redis.from_url(REDIS_URL).ping(), "Redis must run on 127.0.0.1:6379"
    with two_rasa_processes(tmp_path_factory, database, "scale") as servers:
        yield servers


def level(replies):
    return next((r["custom"]["triage"]["level"] for r in replies if "triage" in (r.get("custom") or {})), None)


def user_texts(database, sender):
    """The user turns stored for a REST sender (kept under "rest:<sender>", bot/channels/guard.py)."""
    engine = sa.create_engine(database)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
            {"s": f"rest:{sender}"},
        ).fetchall()
    engine.dispose()
    return [json.loads(row[0])["text"] for row in rows]


def test_alternating_processes_keep_every_turn_once_in_order(two_processes, database):
    first, second = two_processes
    reference = None
    for turn in TURNS:  # one process alone, for the reference level
        reference = level(first.say("reference", turn)) or reference
    assert reference == "urgent"

    def conversation(i):
        sender, levels = f"scale-{i}", []
        for n, turn in enumerate(TURNS):
            server = first if (n + i) % 2 == 0 else second
            levels.append(level(server.say(sender, turn)))
        return sender, [x for x in levels if x]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(conversation, range(16)))
    for sender, levels in results:
        assert levels == [reference], sender
        assert user_texts(database, sender) == TURNS, sender


@pytest.mark.parametrize("attempt", range(5))
def test_two_messages_of_one_conversation_at_the_same_moment(two_processes, database, attempt):
    first, second = two_processes
    sender = f"scale-same-moment-{attempt}"
    first.say(sender, "hello")
    with ThreadPoolExecutor(max_workers=2) as pool:
        a = pool.submit(first.say, sender, "what is baclofen?")
        b = pool.submit(second.say, sender, "is baclofen addictive?")
        replies = [a.result(), b.result()]
    assert all(replies), "both messages were answered"
    texts = user_texts(database, sender)
    assert sorted(texts[1:]) == sorted(["what is baclofen?", "is baclofen addictive?"])
    assert len(texts) == 3, "each turn recorded exactly once"


def test_losing_the_database_mid_run_is_logged_and_the_person_is_told(tmp_path):
    """The conversation database disappears while the bot runs: errors in the log, and every turn
    is answered by the guard (the emergency advice when due), never as a fresh conversation."""
    with scratch_database(ADMIN_URL) as url:
        store = f"tracker_store:\n  type: bot.stores.checked_sql.CheckedSQLTrackerStore\n  url: {url}\n"
        servers = BotServers(tmp_path, "midrun", endpoints_extra=store)
        try:
            servers.start_actions()
            servers.start_rasa()
            assert servers.say("midrun-1", "hello")
            admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE "{database_name(url)}" WITH (FORCE)'))
            admin.dispose()
            replies = servers.say("midrun-1", "i'm seeing bugs on the walls")
            assert replies[0]["text"].startswith("EMERGENCY: call 911")
            assert "was not saved" in replies[-1]["text"]
            (only,) = servers.say("midrun-1", "my legs are stiff")
            assert "was not saved" in only["text"] and "call 911" in only["text"]
        finally:
            servers.stop()
    from tests.e2e.conftest import LOGS

    log = (LOGS / "midrun-rasa.log").read_text(errors="replace")
    assert "ERROR" in log and "tracker" in log.lower()
