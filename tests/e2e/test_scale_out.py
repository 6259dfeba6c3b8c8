"""Two Rasa server processes on the real PostgreSQL and Redis serve the same conversations.

Turns of each conversation go to the two processes alternately, many conversations at once; two
messages of one conversation may even arrive at both processes at the same moment. No turn may be
lost or applied twice, the order must be kept, and the triage must be the same as with one process.
The PostgreSQL and Redis servers run on these machines (`make test` starts them if they are down);
if they cannot be reached this test fails, it is never skipped.
"""

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import sqlalchemy as sa

from tests.e2e.conftest import BotServers

pytestmark = pytest.mark.e2e

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/2"
TURNS = [
    "i ran out of baclofen on friday and my legs are really stiff",
    "tablets",
    "is baclofen addictive?",
    "no that's all",
    "no, none of these",
]


@pytest.fixture(scope="module")
def database():
    name = f"bot_scale_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory, database):
    assert redis.Redis.from_url(REDIS_URL).ping(), "Redis must run on 127.0.0.1:6379"
    prefix = f"test{uuid.uuid4().hex[:6]}"
    stores = (
        "tracker_store:\n  type: bot.stores.checked_sql.CheckedSQLTrackerStore\n"
        f"  url: {database}\n"
        "lock_store:\n  type: bot.stores.redis_lock.UrlRedisLockStore\n"
        f"  url: {REDIS_URL}\n  key_prefix: {prefix}\n"
    )
    first = BotServers(tmp_path_factory.mktemp("a"), "scale-a", endpoints_extra=stores)
    second = BotServers(
        tmp_path_factory.mktemp("b"), "scale-b", endpoints_extra=stores, actions_port=first.actions_port
    )
    try:
        first.start_actions()
        first.start_rasa()
        second.start_rasa()
        yield first, second
    finally:
        second.stop()
        first.stop()


def level(replies):
    return next((r["custom"]["triage"]["level"] for r in replies if "triage" in (r.get("custom") or {})), None)


def user_texts(database, sender):
    engine = sa.create_engine(database)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"), {"s": sender}
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


def test_losing_the_database_mid_run_is_logged_and_the_person_still_answered(tmp_path):
    """The conversation database disappears while the bot runs: errors in the log, answers go on."""
    name = f"bot_midrun_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    store = (
        "tracker_store:\n  type: bot.stores.checked_sql.CheckedSQLTrackerStore\n"
        f"  url: postgresql://postgres@127.0.0.1:5432/{name}\n"
    )
    servers = BotServers(tmp_path, "midrun", endpoints_extra=store)
    try:
        servers.start_actions()
        servers.start_rasa()
        assert servers.say("midrun-1", "hello")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        replies = servers.say("midrun-1", "i'm seeing bugs on the walls")
        assert replies and replies[0]["text"].startswith("EMERGENCY: call 911")
    finally:
        servers.stop()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    from tests.e2e.conftest import LOGS

    log = (LOGS / "midrun-rasa.log").read_text(errors="replace")
    assert "ERROR" in log and "tracker" in log.lower()
