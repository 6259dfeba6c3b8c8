"""Whatever action runs, an emergency is told in the turn it appears, once."""

from actions.action_answer_question import ActionAnswerQuestion
from actions.action_fallback import ActionFallback
from actions.action_note_symptoms import ActionNoteSymptoms
from tests.actions.conftest import responses


async def test_a_question_with_a_red_flag_gets_the_emergency_first(make_tracker, dispatcher):
    tracker = make_tracker(
        ["does baclofen cause this? my husband is talking to people who arent there"], intent="ask_side_effects"
    )
    await ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert responses(dispatcher)[0] == "utter_level_emergency"
    assert responses(dispatcher)[-1] == "utter_answer"


async def test_no_second_emergency_in_the_same_turn(make_tracker, dispatcher):
    given = {"event": "bot", "text": "EMERGENCY", "data": {"custom": {"triage": {"level": "emergency"}}}}
    tracker = make_tracker(["i'm seeing bugs"], intent="nlu_fallback", bot_events_this_turn=[given])
    await ActionFallback().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_default"]


async def test_an_emergency_built_over_several_turns_is_told_when_it_appears(make_tracker, dispatcher):
    tracker = make_tracker(["my pump alarm went off this morning", "now the spasms are back in my legs"])
    await ActionNoteSymptoms().run(dispatcher, tracker, {})
    assert responses(dispatcher)[0] == "utter_level_emergency"
    assert {r["rule"] for r in dispatcher.messages[0]["custom"]["triage"]["reasons"]} == {"pump_problem_with_signs"}


async def test_an_emergency_already_given_is_not_repeated_for_a_minor_addition(make_tracker, dispatcher):
    tracker = make_tracker(["pump alarm", "spasms back", "also a headache"], slots={"triage_level": "emergency"})
    await ActionNoteSymptoms().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_noted_symptoms"]


async def test_a_new_red_flag_is_always_told_again(make_tracker, dispatcher):
    tracker = make_tracker(
        ["pump alarm", "spasms back", "and now he's confused"], intent="ask_pump", slots={"triage_level": "emergency"}
    )
    await ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert responses(dispatcher)[0] == "utter_level_emergency"


async def test_without_a_red_flag_the_action_does_only_its_own_work(make_tracker, dispatcher):
    tracker = make_tracker(["what is baclofen for?"], intent="ask_what_is")
    await ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_answer"]
    assert "Source:" in dispatcher.messages[0]["answer"]


async def test_fallback_forgets_the_turn(make_tracker, dispatcher):
    events = await ActionFallback().run(dispatcher, make_tracker(["asdf qwerty"], intent="nlu_fallback"), {})
    assert events == [{"event": "rewind", "timestamp": None}]


async def test_fallback_in_the_assessment_keeps_the_turn_so_the_form_asks_again(make_tracker, dispatcher):
    from rasa_sdk import Tracker

    base = make_tracker(["about an hour ago"], intent="nlu_fallback")
    tracker = Tracker(
        base.sender_id, base.slots, base.latest_message, base.events, False, None, {"name": "assessment_form"}, ""
    )
    events = await ActionFallback().run(dispatcher, tracker, {})
    assert events == []
    assert responses(dispatcher) == ["utter_default"]
