"""A new, empty PostgreSQL database for one run, dropped afterwards: for tests and benchmarks.

    with scratch_database() as url:   # postgresql://postgres@127.0.0.1:5432/scratch_1718000000_1a2b3c4d
        ...

The one helper the PostgreSQL tests (tests/bot/stores, tests/e2e) and `python -m bench.scale` use.
Each run creates its own database and drops only that one, so runs at the same time on one server
(other worktrees, other people) never touch each other's. A run killed before it could drop its
database leaves it behind; the name says when it was made (`scratch_<unix time>_<random>`), for
dropping by hand.
"""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from typing import Iterator

# This machine's PostgreSQL as `make services` starts it (the superuser, no password on the loopback).
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PREFIX = "scratch_"


def database_url(admin_url: str, name: str) -> str:
    """The admin URL with its database name replaced by `name`."""
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


def database_name(url: str) -> str:
    """The database a URL names (its last path part)."""
    return url.rsplit("/", 1)[1]


@contextmanager
def scratch_database(admin_url: str = ADMIN_URL) -> Iterator[str]:
    """Create a database of this run's own, yield its URL, drop it (even if the run failed)."""
    import sqlalchemy as sa

    name = f"{PREFIX}{int(time.time())}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield database_url(admin_url, name)
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
