import asyncio

from rasa.shared.core.events import BotUttered, UserUttered

from bot.cli.transcripts import export
from bot.stores.checked_sql import CheckedSQLTrackerStore

ENTITY = {
    "entity": "symptom",
    "value": "confusion",
    "role": "present",
    "experiencer": "other",
    "extractor": "SymptomExtractor",
}
TRIAGE = {"triage": {"level": "emergency", "reasons": [{"text": "You mentioned confusion.", "sources": ["asam_2020"]}]}}


def test_export_writes_a_readable_transcript_and_can_redact(tmp_path):
    db = tmp_path / "c.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: bot.stores.checked_sql.CheckedSQLTrackerStore\n  dialect: sqlite\n  db: {db}\n"
    )
    store = CheckedSQLTrackerStore(dialect="sqlite", db=str(db))
    from rasa.shared.core.trackers import DialogueStateTracker

    events = [
        UserUttered("my husband is confused", intent={"name": "red_flag", "confidence": 1.0}, entities=[ENTITY]),
        BotUttered("EMERGENCY: call 911 now", data={"custom": TRIAGE}),
        # What Rasa really stores for a plain message: every key, `custom` among them, set to None.
        BotUttered("This is a self-assessment.", data={"elements": None, "quick_replies": None, "custom": None}),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("carer-1", events)))

    (path,) = export(str(endpoints), tmp_path / "out")
    text = path.read_text()
    assert "my husband is confused" in text
    assert "understood: confusion (present, someone else)" in text
    assert "**Triage: emergency**" in text and "[asam_2020]" in text
    assert "This is a self-assessment." in text

    (redacted,) = export(str(endpoints), tmp_path / "red", redact=True)
    assert "my husband is confused" not in redacted.read_text()
    assert "[22 characters, redacted]" in redacted.read_text()
