"""Rasa's SQL tracker store, but a database that cannot be reached stops the server.

Rasa 3.6 logs "Could not create tables" and carries on when its SQL store cannot reach the
database; the Agent then wraps the store in a FailSafeTrackerStore that keeps every conversation
in memory only and never reads it back, so every turn starts afresh and every conversation is lost
at the next restart, while the server answers 200 as if all were well. Here the connection is
checked when the store is created, retried for `connect_timeout` seconds, and then the server stops
with a message naming the database.

SQLite (the default set-up) is also made fit to serve: Rasa's store opens a new SQLite connection
for every read and write (SQLAlchemy 1.4's NullPool for files) and commits in SQLite's default
rollback-journal mode, which waits for the disk twice per commit. Rasa calls the store
synchronously on its event loop, so that wait stopped every conversation, not only the one being
saved (about 9 of 23 ms per turn, `python -m bench.breakdown`). Here the SQLite file is kept open in
a pool, in write-ahead-log mode with `synchronous=NORMAL`: a commit is still never lost when the
bot's process crashes or is killed; only a power failure or an operating-system crash may lose the
last commits (SQLite's documented trade-off). `sqlite_synchronous: FULL` in endpoints.yml restores
a disk wait per commit.

Trouble in the middle of a run never starts a conversation afresh in silence:
- a pooled connection that the database closed (a restart or fail-over terminates them) is noticed
  before use and replaced (SQLAlchemy's `pool_pre_ping`), and a read or write that still fails with
  a lost connection is tried once more;
- every read and write runs in a worker thread with a time limit (STORE_TIMEOUT_SECONDS, default 5):
  Rasa calls the store synchronously on its event loop, so one hung database connection stopped every
  conversation of the process;
- a read or write that fails is recorded per conversation (bot/stores/trouble.py) before Rasa's
  fail-safe wrapper swallows it, and the channel guard answers that turn itself;
- the engines hide statement parameters in their errors (`hide_parameters`): Rasa logs a failed
  write's error in full, which otherwise carried what people wrote, their slots and sender ids.
"""

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.settings import store_timeout_seconds
from bot.stores import trouble

logger = logging.getLogger(__name__)

T = TypeVar("T")


def _run(coroutine: Awaitable[T]) -> T:
    """Run a coroutine to its end in a worker thread (its own event loop)."""
    return asyncio.run(coroutine)  # type: ignore[arg-type]


def store_timeout() -> float:
    """Seconds a read or write of a conversation may take (STORE_TIMEOUT_SECONDS, default 5)."""
    return store_timeout_seconds()


class TrackerStoreUnavailableError(RuntimeError):
    """The configured conversation database cannot be reached."""


class CheckedSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL store, checked at start-up; `url` may also be a whole database URL (DB_URL)."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        connect_timeout: float = 15.0,
        sqlite_synchronous: Text = "NORMAL",
        **kwargs: Any,
    ) -> None:
        host = kwargs.get("host")
        if isinstance(host, str) and "://" in host:
            kwargs.update(url_parts(host))
        url = SQLTrackerStore.get_db_url(
            kwargs.get("dialect", "sqlite"),
            kwargs.get("host"),
            kwargs.get("port"),
            kwargs.get("db", "rasa.db"),
            kwargs.get("username"),
            kwargs.get("password"),
            kwargs.get("login_db"),
            kwargs.get("query"),
        )
        check_reachable(url, float(connect_timeout))
        super().__init__(domain=domain, **kwargs)
        self.timeout = store_timeout()
        self.engine: sa.engine.Engine = self.engine
        # An in-memory database lives in its one connection: keep Rasa's engine (and its thread) for it.
        self.in_memory = self.engine.dialect.name == "sqlite" and self.engine.url.database in (None, "", ":memory:")
        if self.engine.dialect.name == "sqlite" and not self.in_memory:
            self.engine.dispose()
            self.engine = sqlite_engine(self.engine.url, sqlite_synchronous)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        elif self.engine.dialect.name != "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, pool_pre_ping=True, hide_parameters=True, **create_engine_kwargs(url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._guarded(sender_id, lambda: SQLTrackerStore.retrieve(self, sender_id))

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        full = SQLTrackerStore.retrieve_full_tracker
        return await self._guarded(conversation_id, lambda: full(self, conversation_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._guarded(tracker.sender_id, lambda: SQLTrackerStore.save(self, tracker))

    async def conversations_with_event(self, type_name: Text) -> List[Text]:
        """Ids of the conversations that hold an event of `type_name` (one query, not a scan of
        every conversation): the check-ins restored at start-up look only at these."""

        async def query() -> List[Text]:
            with self.session_scope() as session:
                rows = session.query(self.SQLEvent.sender_id).filter(self.SQLEvent.type_name == type_name).distinct()
                return [str(row[0]) for row in rows]

        return await self._guarded("", query)

    async def _guarded(self, sender_id: Text, call: Callable[[], Awaitable[T]]) -> T:
        """Run one read or write off the event loop, with a time limit and one retry after a lost
        connection; a failure is recorded for the guard, then raised (Rasa's wrapper logs it)."""
        for attempt in (1, 2):
            try:
                if self.in_memory:
                    return await call()
                return await asyncio.wait_for(asyncio.to_thread(_run, call()), self.timeout)
            except sa.exc.DBAPIError as error:
                if attempt == 1 and error.connection_invalidated:
                    logger.warning("conversation database connection lost; trying again")
                    continue
                trouble.record(sender_id)
                raise
            except (asyncio.TimeoutError, sa.exc.SQLAlchemyError, OSError):
                trouble.record(sender_id)
                raise
        raise AssertionError("unreachable")  # the loop returns or raises


SQLITE_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


def sqlite_engine(url: Any, synchronous: Text = "NORMAL") -> sa.engine.Engine:
    """A pooled SQLite engine whose connections use write-ahead logging (see the module docstring)."""
    level = str(synchronous).upper()
    if level not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"sqlite_synchronous must be one of {', '.join(SQLITE_SYNCHRONOUS)}, not {synchronous!r}")
    # Rasa uses the store from its event loop thread only; the pool may still hand a connection to
    # another thread (SQLAlchemy 2's default for SQLite files), which SQLite allows in serialized mode.
    engine = sa.create_engine(
        url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False}, hide_parameters=True
    )

    @sa.event.listens_for(engine, "connect")
    def _configure(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={level}")
        cursor.close()

    return engine


def url_parts(url: Text) -> Dict[Text, Any]:
    """Rasa's SQL store arguments from one URL: postgresql://user:password@host:5432/db."""
    parsed = make_url(url)
    return {
        "dialect": parsed.drivername,
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
    }


def check_reachable(url: Any, timeout: float) -> None:
    """Connect and run SELECT 1, retrying until `timeout`; raise TrackerStoreUnavailableError after."""
    engine = sa.create_engine(url)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            return
        except sa.exc.SQLAlchemyError as error:
            if time.monotonic() >= deadline:
                where = repr(engine.url)  # the password is masked by SQLAlchemy
                message: Text = f"the conversation database {where} cannot be reached: {error.__class__.__name__}"
                logger.critical(message)
                raise TrackerStoreUnavailableError(message) from error
            time.sleep(1)
        finally:
            engine.dispose()
