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


async def test_sqlite_store_keeps_its_connection_open_and_writes_ahead(tmp_path):
    from sqlalchemy.pool import QueuePool

    store = CheckedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "c.db"))
    await store.save(DialogueStateTracker.from_events("someone", [UserUttered("hello")]))
    assert isinstance(store.engine.pool, QueuePool), "one open connection, not one per read and write"
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


async def test_an_in_memory_sqlite_store_still_works():
    store = CheckedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=":memory:")
    await store.save(DialogueStateTracker.from_events("someone", [UserUttered("hello")]))
    again = await store.retrieve("someone")
    assert again is not None and again.latest_message.text == "hello"


def test_sqlite_full_synchronous_can_be_asked_for_and_nonsense_is_refused(tmp_path):
    store = CheckedSQLTrackerStore(
        Domain.empty(), dialect="sqlite", db=str(tmp_path / "c.db"), sqlite_synchronous="full"
    )
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    with pytest.raises(ValueError, match="sqlite_synchronous"):
        CheckedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "d.db"), sqlite_synchronous="fast")


async def test_a_conversation_saved_by_one_store_is_read_by_the_next_on_the_same_file(tmp_path):
    """What a restart does: the first store's process is gone, a new one opens the same file."""
    first = CheckedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "c.db"))
    await first.save(DialogueStateTracker.from_events("someone", [UserUttered("hello"), UserUttered("again")]))
    first.engine.dispose()
    second = CheckedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "c.db"))
    tracker = await second.retrieve("someone")
    assert tracker is not None
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["hello", "again"]


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
