"""The triage payload as sent on the wire (`custom.triage`): built once for the actions and the guard."""

from bot.settings import region_numbers
from bot.triage import Situation, assess, triage_payload
from bot.types import Contact, TriagePayload


def assessed(*symptoms, events=()):
    return assess(Situation(symptoms=frozenset(symptoms), events=frozenset(events), route="tablets"))


def test_the_payload_carries_the_assessment_and_the_numbers():
    assessment = assessed("seizure", events=["stopped_abruptly"])
    payload = triage_payload(assessment, region_numbers({"BOT_REGION": "uk"}))
    assert list(payload) == ["level", "symptoms", "reasons", "contact"]
    assert payload["level"] == "emergency" and payload["symptoms"] == ["seizure"]
    assert payload["reasons"] == assessment.reasons and payload["reasons"][0]["rule"] == "red_flag"
    assert payload["contact"] == {"emergency_number": "999", "crisis_line": None}


def test_the_crisis_line_only_when_the_assessment_calls_for_it():
    numbers = region_numbers({"BOT_REGION": "us"})
    assert triage_payload(assessed("suicidal"), numbers)["contact"] == {
        "emergency_number": "911",
        "crisis_line": numbers.crisis_line,
    }
    assert triage_payload(assessed("hallucinations"), numbers)["contact"]["crisis_line"] is None


def test_fallback_is_only_in_what_the_guard_sends():
    numbers = region_numbers({})
    assert "fallback" not in triage_payload(assessed("seizure"), numbers)
    payload = triage_payload(assessed("seizure"), numbers, fallback=True)
    assert payload["fallback"] is True
    assert {k: v for k, v in payload.items() if k != "fallback"} == triage_payload(assessed("seizure"), numbers)


def test_the_types_declare_every_key_sent():
    numbers = region_numbers({})
    for payload in (triage_payload(assessed(), numbers), triage_payload(assessed("suicidal"), numbers, fallback=True)):
        assert TriagePayload.__required_keys__ <= set(payload)
        assert set(payload) <= TriagePayload.__required_keys__ | TriagePayload.__optional_keys__
        assert set(payload["contact"]) == Contact.__required_keys__
    assert TriagePayload.__optional_keys__ == {"fallback"}
