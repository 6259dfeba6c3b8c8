from actions.action_assess_triage import ActionAssessTriage
from actions.assessment import assess_tracker
from bot.settings import region_numbers
from bot.triage import triage_payload
from tests.actions.conftest import responses


async def test_emergency_first_with_payload_reasons_and_disclaimer(make_tracker, dispatcher, monkeypatch):
    monkeypatch.setenv("BOT_REGION", "uk")
    tracker = make_tracker(["stopped my baclofen and now i'm seeing bugs on the walls"], intent="red_flag")
    events = await ActionAssessTriage().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_level_emergency", "utter_reasons", "utter_disclaimer"]
    first = dispatcher.messages[0]
    assert first["custom"]["triage"]["level"] == "emergency"
    assert first["custom"]["triage"]["symptoms"] == ["hallucinations"]
    assert first["emergency_number"] == "999"
    assert first["custom"]["triage"]["contact"] == {"emergency_number": "999", "crisis_line": None}
    assert "seeing, hearing or feeling things" in dispatcher.messages[1]["reasons"]
    assert "Sources:" in dispatcher.messages[1]["reasons"]
    assert {"event": "slot", "name": "triage_level", "value": "emergency", "timestamp": None} in events


async def test_suicidal_thoughts_add_the_crisis_line(make_tracker, dispatcher):
    tracker = make_tracker(["since i ran out i keep thinking of ending it all"], intent="red_flag")
    await ActionAssessTriage().run(dispatcher, tracker, {})
    assert "utter_crisis_line" in responses(dispatcher)
    assert "988" in dispatcher.messages[2]["crisis_line"]
    assert "988" in dispatcher.messages[0]["custom"]["triage"]["contact"]["crisis_line"]


async def test_the_whole_conversation_is_assessed(make_tracker, dispatcher):
    tracker = make_tracker(
        ["i ran out of baclofen on friday", "my legs are really stiff", "tablets"], slots={"route": "tablets"}
    )
    await ActionAssessTriage().run(dispatcher, tracker, {})
    triage = dispatcher.messages[0]["custom"]["triage"]
    assert triage["level"] == "urgent"
    assert triage["symptoms"] == ["spasticity"]


async def test_a_restart_forgets_what_came_before(make_tracker, dispatcher):
    tracker = make_tracker(["i'm seeing things", "hello"])
    tracker.events.insert(1, {"event": "restart"})
    await ActionAssessTriage().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["custom"]["triage"]["level"] == "self_care"


async def test_the_payload_is_the_shared_triage_payload(make_tracker, dispatcher):
    tracker = make_tracker(["since i ran out i keep thinking of ending it all"], intent="red_flag")
    await ActionAssessTriage().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["custom"]["triage"] == triage_payload(assess_tracker(tracker), region_numbers())


async def test_an_emergency_already_given_this_turn_is_not_said_twice(make_tracker, dispatcher):
    given = {"event": "bot", "text": "EMERGENCY", "data": {"custom": {"triage": {"level": "emergency"}}}}
    tracker = make_tracker(
        ["my pump alarm is going off", "yes im itching all over"], intent="affirm", bot_events_this_turn=[given]
    )
    events = await ActionAssessTriage().run(dispatcher, tracker, {})
    assert responses(dispatcher) == []
    assert {"event": "slot", "name": "triage_level", "value": "emergency", "timestamp": None} in events


async def test_the_advice_gives_the_number_of_the_region_the_person_named(make_tracker, dispatcher):
    tracker = make_tracker(["we are in the uk", "my husband is seeing things since he stopped baclofen"])
    await ActionAssessTriage().run(dispatcher, tracker, {})
    first = dispatcher.messages[0]
    assert first["emergency_number"] == "999"
    assert first["custom"]["triage"]["contact"]["emergency_number"] == "999"


async def test_an_emergency_written_in_another_language_is_also_said_in_it(make_tracker, dispatcher):
    text = "Tengo fiebre y estoy confundido desde que dejé el baclofeno"
    tracker = make_tracker([text], intent="red_flag")
    tracker.latest_message["entities"] = [
        {
            "entity": "symptom",
            "value": "possible_red_flag",
            "role": "present",
            "start": 0,
            "end": len(text),
            "text": "fiebre",
            "extractor": "RedFlagRouter",
        }
    ]
    tracker.events[-1]["parse_data"] = tracker.latest_message
    await ActionAssessTriage().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_level_emergency"
    assert dispatcher.messages[1]["text"].startswith("Esto puede ser una emergencia: llame al 911")
