from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.cli.forget import forget
from bot.stores.checked_sql import CheckedSQLTrackerStore


async def test_forget_deletes_one_conversation_and_keeps_the_others(tmp_path):
    db = tmp_path / "c.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: bot.stores.checked_sql.CheckedSQLTrackerStore\n  dialect: sqlite\n  db: {db}\n"
    )
    store = CheckedSQLTrackerStore(dialect="sqlite", db=str(db))
    for sender in ("alice", "bob"):
        await store.save(
            DialogueStateTracker.from_events(sender, [UserUttered("i have a fever"), UserUttered("tablets")])
        )

    assert forget("alice", str(endpoints)) == 2
    assert await store.retrieve("alice") is None
    assert (await store.retrieve("bob")).latest_message.text == "tablets"
    assert forget("nobody", str(endpoints)) == 0
