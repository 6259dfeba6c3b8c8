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
"""

import logging
import time
from typing import Any, Dict, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)


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
        # An in-memory database lives in its one connection: keep Rasa's engine for it.
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            self.engine.dispose()
            self.engine = sqlite_engine(self.engine.url, sqlite_synchronous)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)


SQLITE_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


def sqlite_engine(url: Any, synchronous: Text = "NORMAL") -> sa.engine.Engine:
    """A pooled SQLite engine whose connections use write-ahead logging (see the module docstring)."""
    level = str(synchronous).upper()
    if level not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"sqlite_synchronous must be one of {', '.join(SQLITE_SYNCHRONOUS)}, not {synchronous!r}")
    # Rasa uses the store from its event loop thread only; the pool may still hand a connection to
    # another thread (SQLAlchemy 2's default for SQLite files), which SQLite allows in serialized mode.
    engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})

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
