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
