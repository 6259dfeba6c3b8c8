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


def _heard_help_with_learned_red_flag(tracker, entities=()):
    """The router's override: `red_flag` first, the classifier's `help_arrived` kept after it."""
    learned = {"entity": "symptom", "value": "possible_red_flag", "role": "present", "extractor": "RedFlagClassifier"}
    tracker.latest_message["intent"] = {"name": "red_flag", "confidence": 1.0}
    tracker.latest_message["intent_ranking"] = [{"name": "red_flag"}, {"name": "help_arrived"}]
    tracker.latest_message["entities"] = [*entities, learned]
    return tracker


async def test_help_said_to_have_come_after_the_emergency_gets_the_summary_not_the_advice_again(
    make_tracker, dispatcher
):
    turns = ["my wife is confused and burning up", "ok i called 911, they are sending an ambulance"]
    tracker = _heard_help_with_learned_red_flag(make_tracker(turns, slots={"triage_level": "emergency"}))
    await ActionAssessTriage().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_help_arrived", "utter_summary"]


async def test_help_said_to_have_come_before_any_emergency_is_assessed_as_usual(make_tracker, dispatcher):
    """Before the advice the layer's finding stands: "he ended up in the ER" may be the emergency."""
    tracker = _heard_help_with_learned_red_flag(make_tracker(["we ended up in the er, he was not making sense"]))
    await ActionAssessTriage().run(dispatcher, tracker, {})
    assert responses(dispatcher)[0] == "utter_level_emergency"


async def test_a_red_flag_the_lexicon_found_with_the_help_gets_the_advice_again(make_tracker, dispatcher, findings):
    turns = ["my wife is confused", "called an ambulance, now she is having a seizure"]
    tracker = make_tracker(turns, slots={"triage_level": "emergency"})
    tracker = _heard_help_with_learned_red_flag(tracker, tracker.latest_message["entities"])
    await ActionAssessTriage().run(dispatcher, tracker, {})
    assert responses(dispatcher)[0] == "utter_level_emergency"
