from datetime import datetime, timezone

from bot.checkins.plan import CHECKIN_ENTITY, CHECKIN_INTENT
from bot.checkins.summary import build_summary
from bot.nlu.entities import EXTRACTOR, finding_to_entity

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc).timestamp()


def user(findings, text, minutes):
    entities = [{**finding_to_entity(f), "extractor": EXTRACTOR} for f in findings(text)]
    return {"event": "user", "text": text, "timestamp": T0 + 60 * minutes, "parse_data": {"entities": entities}}


def test_summary_lists_what_was_reported_with_times_levels_and_checkins(findings):
    triage = {
        "level": "urgent",
        "symptoms": ["insomnia"],
        "reasons": [
            {
                "rule": "r",
                "level": "urgent",
                "text": "Withdrawal after a sudden stop.",
                "symptoms": [],
                "sources": ["fda_oral_label"],
            }
        ],
    }
    events = [
        {"event": "user", "text": "hello", "timestamp": T0, "parse_data": {"entities": []}},
        user(findings, "i stopped my baclofen suddenly and can't sleep, no fever", 1),
        user(findings, "tablets", 2),
        {"event": "bot", "text": "URGENT", "timestamp": T0 + 180, "data": {"custom": {"triage": triage}}},
        {
            "event": "reminder",
            "name": "checkin_1",
            "intent": CHECKIN_INTENT,
            "date_time": "2026-11-30T11:03:00+00:00",
            "timestamp": T0 + 240,
        },
        {
            "event": "user",
            "timestamp": T0 + 7380,
            "parse_data": {
                "intent": {"name": CHECKIN_INTENT},
                "entities": [{"entity": CHECKIN_ENTITY, "value": "checkin_1"}],
            },
        },
        {"event": "slot", "name": "checkin_feeling", "value": "worse", "timestamp": T0 + 7400},
    ]
    summary = build_summary(events, now=datetime(2026, 11, 30, 12, tzinfo=timezone.utc))
    text = summary.text("Not a diagnosis.")
    assert "30 Nov 2026 09:01: " in text and "sleep" in text.lower()
    assert "said not present: " in text and "fever" in text.split("said not present: ")[1]
    assert "a sudden stop" in text
    assert "tablets or liquid by mouth" in text
    assert "09:03: urgent. Withdrawal after a sudden stop." in text and "US FDA label" in text
    assert "a check-in was arranged for 30 Nov 2026 11:03" in text
    assert "the bot checked in as asked" in text and "feeling worse than before" in text
    assert text.endswith("Not a diagnosis.")
    assert "hello" not in text  # a message with nothing reported is not listed


def test_nothing_said_gives_an_empty_summary_and_a_restart_starts_a_new_one(findings):
    assert build_summary([]).empty
    events = [user(findings, "i'm seeing bugs on the walls", 0), {"event": "restart"}]
    assert build_summary(events).empty


def test_words_said_in_passing_are_not_listed_beside_running_out(findings):
    """ "it makes me..." reads as taking it as usual; beside "ran out" the summary said both."""
    summary = build_summary([user(findings, "i ran out of baclofen and it makes me so shaky", 1)])
    assert [d.split(": ", 1)[1] for d in summary.doses] == ["running out"]


def test_taking_it_as_usual_alone_is_listed(findings):
    summary = build_summary([user(findings, "baclofen makes me sleepy", 1)])
    assert [d.split(": ", 1)[1] for d in summary.doses] == ["taking it as usual"]
