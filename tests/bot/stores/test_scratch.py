"""The scratch PostgreSQL database of the tests and benchmarks (this machine's server, `make services`)."""

import sqlalchemy as sa

from bot.stores.scratch import ADMIN_URL, database_name, database_url, scratch_database


def databases() -> set:
    admin = sa.create_engine(ADMIN_URL)
    with admin.connect() as connection:
        names = {row[0] for row in connection.execute(sa.text("SELECT datname FROM pg_database"))}
    admin.dispose()
    return names


def test_the_url_replaces_only_the_database_name():
    assert database_url("postgresql://postgres@127.0.0.1:5432/postgres", "bench_1") == (
        "postgresql://postgres@127.0.0.1:5432/bench_1"
    )
    assert database_name("postgresql://postgres@127.0.0.1:5432/bench_1") == "bench_1"


def test_each_run_creates_its_own_empty_database_and_drops_only_that_one():
    with scratch_database() as outer:
        with scratch_database() as inner:
            assert outer != inner
            assert {database_name(outer), database_name(inner)} <= databases()
            engine = sa.create_engine(inner)
            with engine.connect() as connection:
                tables = connection.execute(sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                assert tables.scalar() == 0
            engine.dispose()
        assert database_name(inner) not in databases()
        assert database_name(outer) in databases(), "another run's database is left alone"
    assert database_name(outer) not in databases()
