"""Rasa's SQL tracker store, but a database that cannot be reached stops the server.

Rasa 3.6 logs "Could not create tables" and carries on when its SQL store cannot reach the
database; the Agent then wraps the store in a FailSafeTrackerStore that keeps every conversation
in memory only and never reads it back, so every turn starts afresh and every conversation is lost
at the next restart, while the server answers 200 as if all were well. Here the connection is
checked when the store is created, retried for `connect_timeout` seconds, and then the server stops
with a message naming the database.
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

    def __init__(self, domain: Optional[Domain] = None, connect_timeout: float = 15.0, **kwargs: Any) -> None:
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
