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


def test_a_hung_redis_stalls_a_lock_call_two_seconds_not_rasas_ten():
    from bot.stores.redis_lock import SOCKET_TIMEOUT_SECONDS, UrlRedisLockStore

    store = UrlRedisLockStore("redis://127.0.0.1:6379/3", key_prefix="t")
    assert store.red.connection_pool.connection_kwargs["socket_timeout"] == SOCKET_TIMEOUT_SECONDS == 2.0


def test_a_mutex_left_by_a_late_command_is_waited_out_not_failed():
    """A hung Redis may carry out a command after the client gave up: the conversation's mutex is
    then held by nobody until it expires. The next turn waits it out (tests/e2e/test_hung_stores.py)."""
    import time
    import uuid

    from bot.stores.redis_lock import MUTEX_SECONDS, UrlRedisLockStore

    store = UrlRedisLockStore("redis://127.0.0.1:6379/2", key_prefix=f"t{uuid.uuid4().hex[:6]}")
    conversation = "late"
    # what the late command did: the mutex set, with its lifetime, by a client that is gone
    store.red.set(f"{store.key_prefix}mutex:{conversation}", "ghost", px=int(MUTEX_SECONDS * 1000))
    started = time.monotonic()
    ticket = store.issue_ticket(conversation)
    assert ticket == 0 and MUTEX_SECONDS - 1 < time.monotonic() - started < MUTEX_SECONDS + 1


def test_tickets_issued_at_the_same_moment_are_all_different():
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    from bot.stores.redis_lock import UrlRedisLockStore

    stores = [UrlRedisLockStore("redis://127.0.0.1:6379/2", key_prefix=f"t{uuid.uuid4().hex[:6]}") for _ in range(2)]
    stores[1].key_prefix = stores[0].key_prefix
    with ThreadPoolExecutor(max_workers=8) as pool:
        tickets = list(pool.map(lambda i: stores[i % 2].issue_ticket("same-conversation"), range(16)))
    assert sorted(tickets) == list(range(16))


def lock_stores(monkeypatch, lifetime="1"):
    import uuid

    from bot.stores.redis_lock import UrlRedisLockStore

    monkeypatch.setenv("LOCK_LIFETIME_SECONDS", lifetime)
    prefix = f"t{uuid.uuid4().hex[:6]}"
    return [UrlRedisLockStore("redis://127.0.0.1:6379/2", key_prefix=prefix) for _ in range(2)]


async def test_a_dead_processs_lock_is_free_within_its_short_lifetime(monkeypatch):
    import time

    first, second = lock_stores(monkeypatch)
    first.issue_ticket("c")  # a process that took the lock and was then killed: nobody renews it
    started = time.monotonic()
    async with second.lock("c"):
        waited = time.monotonic() - started
    assert 0.8 < waited < 2.5  # Rasa's own lifetime made this about 60 s


async def test_a_live_turn_keeps_its_lock_however_long_it_runs(monkeypatch):
    import asyncio
    import time

    first, second = lock_stores(monkeypatch)
    order = []

    async def long_turn():
        async with first.lock("c"):
            order.append("long starts")
            await asyncio.sleep(3)  # three lifetimes: renewed all along
            order.append("long ends")

    async def next_turn():
        await asyncio.sleep(0.3)
        async with second.lock("c"):
            order.append("next runs")

    started = time.monotonic()
    await asyncio.gather(long_turn(), next_turn())
    assert order == ["long starts", "long ends", "next runs"]
    assert time.monotonic() - started < 5
    assert first.get_lock("c") is None  # cleaned up


def test_the_lock_lifetime_setting_is_checked(monkeypatch):
    from bot.stores.redis_lock import lock_lifetime

    monkeypatch.setenv("LOCK_LIFETIME_SECONDS", "0.1")
    with pytest.raises(ValueError):
        lock_lifetime()


def test_the_shipped_scale_out_endpoints_read_the_environment(monkeypatch):
    """deploy/endpoints.scale.yml as shipped: every ${VAR} must be expanded (quoted ones are not)."""
    from rasa.core.utils import read_endpoints_from_path

    from bot.paths import PROJECT_ROOT

    monkeypatch.setenv("DB_URL", "postgresql://bot:pw@db.example:5432/baclofen")
    monkeypatch.setenv("REDIS_URL", "redis://redis.example:6379/1")
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://actions.example:5055/webhook")
    endpoints = read_endpoints_from_path(PROJECT_ROOT / "deploy" / "endpoints.scale.yml")
    assert endpoints.tracker_store.url == "postgresql://bot:pw@db.example:5432/baclofen"
    assert endpoints.lock_store.url == "redis://redis.example:6379/1"
    assert endpoints.action.url == "http://actions.example:5055/webhook"


async def test_a_terminated_connection_is_replaced_and_the_conversation_kept():
    """What a PostgreSQL restart or fail-over does to the pool: the next read still finds the turn."""
    import sqlalchemy as sa

    from bot.stores.scratch import scratch_database

    with scratch_database() as url:
        store = CheckedSQLTrackerStore(Domain.empty(), host=url)
        tracker = DialogueStateTracker.from_events("pg-1", [UserUttered("hello")])
        await store.save(tracker)
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            killed = connection.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar()
        admin.dispose()
        assert killed >= 1
        again = await store.retrieve("pg-1")
        assert again is not None and again.latest_message.text == "hello"
        store.engine.dispose()


async def test_an_unreachable_database_mid_run_is_recorded_for_the_guard():
    import sqlalchemy as sa

    from bot.stores import trouble
    from bot.stores.scratch import scratch_database

    with scratch_database() as url:
        store = CheckedSQLTrackerStore(Domain.empty(), host=url)
        await store.save(DialogueStateTracker.from_events("pg-2", [UserUttered("hello")]))
        name = url.rsplit("/", 1)[1]
        admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            connection.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
        try:
            trouble.clear()
            with pytest.raises(sa.exc.OperationalError):
                await store.retrieve("pg-2")
            assert trouble.failed_since("pg-2", 0) and not trouble.failed_since("someone-else", 0)
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            admin.dispose()
        assert (await store.retrieve("pg-2")).latest_message.text == "hello"  # back where it was
        store.engine.dispose()


async def test_a_hung_database_call_is_given_up_after_the_time_limit(monkeypatch, tmp_path):
    import asyncio
    import time

    from rasa.core.tracker_store import SQLTrackerStore

    from bot.stores import trouble

    monkeypatch.setenv("STORE_TIMEOUT_SECONDS", "0.5")
    store = CheckedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "c.db"))

    async def hung(self, sender_id):
        time.sleep(3)  # a synchronous call that never comes back in time, as a stopped server's would

    monkeypatch.setattr(SQLTrackerStore, "retrieve", hung)
    started = time.monotonic()
    with pytest.raises(asyncio.TimeoutError):
        await store.retrieve("slow")
    assert time.monotonic() - started < 1.5
    assert trouble.failed_since("slow", started)


async def test_a_failed_write_does_not_put_what_people_wrote_into_the_error(tmp_path):
    """Rasa logs a failed save's error text; the statement's parameters (events, sender ids) stay out."""
    import sqlalchemy as sa

    store = CheckedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "c.db"))
    with store.engine.connect() as connection:
        connection.execute(sa.text("DROP TABLE events"))
    tracker = DialogueStateTracker.from_events("private-sender-id", [UserUttered("my secret symptom")])
    with pytest.raises(sa.exc.SQLAlchemyError) as failure:
        await store.save(tracker)
    assert "my secret symptom" not in str(failure.value) and "private-sender-id" not in str(failure.value)
