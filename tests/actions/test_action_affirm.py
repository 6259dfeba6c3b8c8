"""A yes outside the assessment: "anything else?", unless it is the red-flag screen's yes again."""

from actions.action_affirm import ActionAffirm
from tests.actions.conftest import responses


async def test_a_plain_yes_asks_what_else(make_tracker, dispatcher):
    events = await ActionAffirm().run(dispatcher, make_tracker(["yes"], intent="affirm"), {})
    assert responses(dispatcher) == ["utter_anything_else_to_help"] and events == []


async def test_the_screens_yes_said_again_after_the_result_is_an_emergency(make_tracker, dispatcher):
    tracker = make_tracker(["my pump alarm is going off", "yes, one of these is happening"], intent="affirm")
    events = await ActionAffirm().run(dispatcher, tracker, {})
    assert responses(dispatcher)[0] == "utter_level_emergency"
    assert {"event": "slot", "name": "emergency_screen", "value": "yes", "timestamp": None} in events
