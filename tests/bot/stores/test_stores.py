import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores.checked_sql import CheckedSQLTrackerStore, TrackerStoreUnavailableError, check_reachable


async def test_sqlite_store_round_trip(tmp_path):
    store = CheckedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "c.db"))
    tracker = DialogueStateTracker.from_events("someone", [UserUttered("hello")])
    await store.save(tracker)
    again = await store.retrieve("someone")
    assert again is not None and again.latest_message.text == "hello"


def test_an_unreachable_database_raises_after_the_timeout():
    with pytest.raises(TrackerStoreUnavailableError, match="cannot be reached"):
        check_reachable("postgresql://nobody@127.0.0.1:1/nothere", timeout=1)


def test_the_machines_postgresql_is_reachable():
    """PostgreSQL runs on these machines (and in CI) for the scale-out configuration."""
    check_reachable("postgresql://postgres@127.0.0.1:5432/test", timeout=5)


def test_a_whole_database_url_is_split_into_rasas_arguments():
    from bot.stores.checked_sql import url_parts

    assert url_parts("postgresql://bot:secret@db.example:5433/baclofen") == {
        "dialect": "postgresql",
        "host": "db.example",
        "port": 5433,
        "db": "baclofen",
        "username": "bot",
        "password": "secret",
    }


def test_redis_lock_store_from_a_url():
    from bot.stores.redis_lock import UrlRedisLockStore

    store = UrlRedisLockStore("redis://127.0.0.1:6379/3", key_prefix="t")
    assert store.red.connection_pool.connection_kwargs["db"] == 3
    assert store.red.ping()


def test_tickets_issued_at_the_same_moment_are_all_different():
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    from bot.stores.redis_lock import UrlRedisLockStore

    stores = [UrlRedisLockStore("redis://127.0.0.1:6379/2", key_prefix=f"t{uuid.uuid4().hex[:6]}") for _ in range(2)]
    stores[1].key_prefix = stores[0].key_prefix
    with ThreadPoolExecutor(max_workers=8) as pool:
        tickets = list(pool.map(lambda i: stores[i % 2].issue_ticket("same-conversation"), range(16)))
    assert sorted(tickets) == list(range(16))
