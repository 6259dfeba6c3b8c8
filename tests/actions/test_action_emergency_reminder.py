"""After the emergency advice, the reminder comes first: with the banner's payload, and the crisis line when due."""

from actions.action_emergency_reminder import ActionEmergencyReminder
from tests.actions.conftest import responses

EMERGENCY = {"triage_level": "emergency"}


async def test_a_reply_after_the_emergency_gets_the_reminder_with_the_emergency_payload(make_tracker, dispatcher):
    turns = ["my husband is seeing bugs on the walls", "what do i do"]
    tracker = make_tracker(turns, intent="nlu_fallback", slots=EMERGENCY)
    events = await ActionEmergencyReminder().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_emergency_reminder"]
    triage = dispatcher.messages[0]["custom"]["triage"]
    assert triage["level"] == "emergency"
    assert "hallucinations" in triage["symptoms"]
    assert dispatcher.messages[0]["emergency_number"]
    assert events == [{"event": "slot", "timestamp": None, "name": "symptoms", "value": triage["symptoms"]}]


async def test_thoughts_of_self_harm_keep_the_crisis_line(make_tracker, dispatcher):
    tracker = make_tracker(["i want to kill myself", "ok"], intent="affirm", slots=EMERGENCY)
    await ActionEmergencyReminder().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_emergency_reminder", "utter_crisis_line"]


async def test_a_resumed_conversation_without_the_turns_gets_the_words_but_no_payload(make_tracker, dispatcher):
    tracker = make_tracker(["hello again"], intent="greet", slots=EMERGENCY)
    events = await ActionEmergencyReminder().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_emergency_reminder"]
    assert not dispatcher.messages[0]["custom"]
    assert events == []


async def test_help_that_has_come_gets_the_summary_to_show_them_instead_of_the_reminder(make_tracker, dispatcher):
    turns = ["my husband is seeing bugs on the walls", "the paramedics are here"]
    tracker = make_tracker(turns, intent="help_arrived", slots=EMERGENCY)
    await ActionEmergencyReminder().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_help_arrived", "utter_summary"]
    assert dispatcher.messages[0]["custom"]["triage"]["level"] == "emergency"
    assert "seeing, hearing or feeling things" in dispatcher.messages[1]["summary"]


async def test_help_said_to_have_come_in_a_resumed_conversation_gets_the_reminder(make_tracker, dispatcher):
    """Without the turns there is nothing to summarise: the reminder's words hold ("if you have called...")."""
    tracker = make_tracker(["the ambulance is here"], intent="help_arrived", slots=EMERGENCY)
    await ActionEmergencyReminder().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_emergency_reminder"]


async def test_a_middling_guess_of_help_arrived_gets_the_reminder(make_tracker, dispatcher):
    """The classifier gave `help_arrived` 0.58 to "she is lying there" (a review of the change)."""
    tracker = make_tracker(["my wife is confused", "she is lying there"], intent="help_arrived", slots=EMERGENCY)
    tracker.latest_message["intent"]["confidence"] = 0.58
    await ActionEmergencyReminder().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_emergency_reminder"]
