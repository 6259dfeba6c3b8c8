import pytest

from actions.validate_assessment_form import ValidateAssessmentForm


@pytest.fixture()
def form():
    return ValidateAssessmentForm()


async def test_dont_know_makes_the_route_unknown(form, make_tracker, dispatcher):
    tracker = make_tracker(["i don't know"], intent="unsure", slots={"requested_slot": "route"})
    assert await form.extract_route(dispatcher, tracker, {}) == {"route": "unknown"}


def _asked_for(slot, times):
    return [{"event": "bot", "text": "?", "metadata": {"utter_action": f"utter_ask_{slot}"}}] * times


@pytest.mark.parametrize("slot, method", [("route", "extract_route"), ("situation", "extract_situation")])
async def test_more_symptoms_instead_of_an_answer_get_the_question_once_more(
    form, make_tracker, dispatcher, slot, method
):
    """Exploratory test 2026-12-01: "and i feel really dizzy" in reply to the route question made it
    "unknown" at once; the question is now asked again, and only a second non-answer is "unknown"."""
    turns = ["took 6 extra today", "and i feel really dizzy and sick"]
    once = make_tracker(turns, slots={"requested_slot": slot}, bot_events_this_turn=_asked_for(slot, 1))
    assert await getattr(form, method)(dispatcher, once, {}) == {}
    twice = make_tracker(turns, slots={"requested_slot": slot}, bot_events_this_turn=_asked_for(slot, 2))
    assert await getattr(form, method)(dispatcher, twice, {}) == {slot: "unknown"}


async def test_a_named_route_is_left_to_the_slot_mapping(form, make_tracker, dispatcher):
    tracker = make_tracker(["it's a pump"], intent="inform_route", slots={"requested_slot": "route"})
    assert await form.extract_route(dispatcher, tracker, {}) == {}


async def test_both_routes_make_it_the_pump(form, make_tracker, dispatcher):
    tracker = make_tracker(["both, a pump and tablets"], intent="inform_route", slots={"requested_slot": "route"})
    assert await form.extract_route(dispatcher, tracker, {}) == {"route": "pump"}


async def test_a_question_is_not_an_answer(form, make_tracker, dispatcher):
    tracker = make_tracker(["is baclofen addictive?"], intent="ask_addiction", slots={"requested_slot": "situation"})
    assert await form.extract_situation(dispatcher, tracker, {}) == {}


async def test_a_red_flag_is_not_an_answer(form, make_tracker, dispatcher):
    tracker = make_tracker(["now i'm seeing things"], intent="red_flag", slots={"requested_slot": "anything_else"})
    assert await form.extract_anything_else(dispatcher, tracker, {}) == {}


@pytest.mark.parametrize(
    "text, intent, expected",
    [("no that's all", "deny", "no"), ("also my hands shake", "report_symptoms", "reported"), ("yes", "affirm", None)],
)
async def test_anything_else(form, make_tracker, dispatcher, text, intent, expected):
    tracker = make_tracker([text], intent=intent, slots={"requested_slot": "anything_else"})
    result = await form.extract_anything_else(dispatcher, tracker, {})
    assert result.get("anything_else") == expected


async def test_an_answer_that_makes_an_emergency_gets_it_in_that_turn(form, make_tracker, dispatcher):
    # rigid legs are an emergency if it may be a pump: "I don't know" to the route question says so
    tracker = make_tracker(
        ["i missed some doses and my legs are rigid", "i don't know"],
        intent="unsure",
        slots={"requested_slot": "route", "situation": "missed_doses"},
    )
    tracker.latest_message["entities"] = []
    events = await form.run(dispatcher, tracker, {"forms": {"assessment_form": {"required_slots": ["route"]}}})
    assert dispatcher.messages[0]["response"] == "utter_level_emergency"
    assert {"event": "slot", "name": "route", "value": "unknown", "timestamp": None} in events
    # the assessment ends there: no next question after the emergency advice
    assert events[-1] == {"event": "slot", "name": "requested_slot", "value": None, "timestamp": None}


async def test_an_answer_without_an_emergency_lets_the_form_go_on(form, make_tracker, dispatcher):
    tracker = make_tracker(["i missed some doses", "tablets"], intent="inform_route", slots={"requested_slot": "route"})
    events = await form.run(dispatcher, tracker, {"forms": {"assessment_form": {"required_slots": ["route"]}}})
    assert {"event": "slot", "name": "requested_slot", "value": None, "timestamp": None} not in events


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("yes, one of these is happening", "affirm", "yes"),
        ("no, none of these", "deny", "no"),
        ("not sure", "unsure", "unsure"),
        ("kind of", "nlu_fallback_like", "unsure"),  # a hedge is not a no
        ("my hands shake a bit", "report_symptoms", "no"),  # more symptoms, none of them a red flag
    ],
)
async def test_the_red_flag_screen(form, make_tracker, dispatcher, text, intent, expected):
    tracker = make_tracker([text], intent=intent, slots={"requested_slot": "emergency_screen"})
    assert await form.extract_emergency_screen(dispatcher, tracker, {}) == {"emergency_screen": expected}


@pytest.mark.parametrize("intent", ["red_flag", "ask_withdrawal", "restart"])
async def test_a_red_flag_or_a_question_is_not_an_answer_to_the_screen(form, make_tracker, dispatcher, intent):
    tracker = make_tracker(["now he is seeing things"], intent=intent, slots={"requested_slot": "emergency_screen"})
    assert await form.extract_emergency_screen(dispatcher, tracker, {}) == {}


async def test_the_screen_is_only_read_when_it_was_asked(form, make_tracker, dispatcher):
    tracker = make_tracker(["yes"], intent="affirm", slots={"requested_slot": "anything_else"})
    assert await form.extract_emergency_screen(dispatcher, tracker, {}) == {}
