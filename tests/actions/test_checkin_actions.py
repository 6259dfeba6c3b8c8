"""The check-in actions on trackers built by hand: schedule, say when, cancel."""

from datetime import datetime, timedelta, timezone

from rasa_sdk import Tracker

from actions.action_cancel_checkin import ActionCancelCheckin
from actions.action_next_checkin import ActionNextCheckin
from actions.action_schedule_checkin import ActionScheduleCheckin
from bot.checkins.plan import CHECKIN_INTENT
from tests.actions.conftest import responses


def tracker(text, events=(), slots=None, intent="schedule_checkin"):
    latest = {"text": text, "intent": {"name": intent}, "entities": []}
    user = {"event": "user", "text": text, "parse_data": latest}
    return Tracker("t", dict(slots or {}), latest, [*events, user], False, None, {}, "action_listen")


async def test_check_on_me_in_3_hours_schedules_one_reminder_and_says_when(dispatcher):
    events = await ActionScheduleCheckin().run(dispatcher, tracker("check on me in 3 hours"), {})
    (reminder,) = [e for e in events if e["event"] == "reminder"]
    due = datetime.fromisoformat(reminder["date_time"])
    assert timedelta(hours=2, minutes=59) < due - datetime.now(timezone.utc) <= timedelta(hours=3)
    assert reminder["intent"] == CHECKIN_INTENT and reminder["entities"][0]["value"] == reminder["name"]
    assert responses(dispatcher) == ["utter_checkin_scheduled"] and dispatcher.messages[0]["when"] == "in 3 hours"


async def test_a_time_typed_alone_in_answer_to_the_offer_schedules_it(dispatcher):
    offered = {"checkin_offered": True, "checkin_suggested_hours": 2}
    events = await ActionScheduleCheckin().run(
        dispatcher, tracker("tomorrow", slots=offered, intent="nlu_fallback"), {}
    )
    assert [e for e in events if e["event"] == "reminder"]
    assert dispatcher.messages[0]["when"] == "tomorrow at about this time"


async def test_a_reply_to_the_offer_without_a_time_is_not_understood(dispatcher):
    offered = {"checkin_offered": True, "checkin_suggested_hours": 2}
    events = await ActionScheduleCheckin().run(dispatcher, tracker("purple", slots=offered, intent="nlu_fallback"), {})
    assert [e["event"] for e in events] == ["slot"]
    assert responses(dispatcher) == ["utter_default"]


async def test_no_checkin_after_an_emergency(dispatcher):
    events = await ActionScheduleCheckin().run(
        dispatcher, tracker("check on me in 2 hours", slots={"triage_level": "emergency"}), {}
    )
    assert not [e for e in events if e["event"] == "reminder"]
    assert responses(dispatcher) == ["utter_checkin_not_after_emergency"]


async def test_when_is_my_next_checkin_and_cancelling_it(dispatcher):
    due = (datetime.now(timezone.utc) + timedelta(hours=2, minutes=5)).isoformat()
    scheduled = {"event": "reminder", "name": "checkin_a", "intent": CHECKIN_INTENT, "date_time": due}
    await ActionNextCheckin().run(dispatcher, tracker("when is my next check-in", [scheduled]), {})
    assert responses(dispatcher) == ["utter_next_checkin"] and dispatcher.messages[0]["when"] == "in 2 hours"
    events = await ActionCancelCheckin().run(dispatcher, tracker("stop checking on me", [scheduled]), {})
    assert [e["name"] for e in events if e["event"] == "cancel_reminder"] == ["checkin_a"]
    cancelled = [scheduled, {"event": "cancel_reminder"}]
    await ActionNextCheckin().run(dispatcher, tracker("when is my next check-in", cancelled), {})
    assert responses(dispatcher)[-1] == "utter_no_checkin"


async def test_worse_said_without_a_checkin_fills_the_feeling_and_clears_the_screen(dispatcher):
    from actions.action_recheck import ActionRecheck

    asked = {"emergency_screen": "no", "checkin_offered": True}
    events = await ActionRecheck().run(dispatcher, tracker("getting worse now", slots=asked, intent="feel_worse"), {})
    assert {(e["name"], e["value"]) for e in events} == {
        ("checkin_feeling", "worse"),
        ("emergency_screen", None),
        ("checkin_offered", False),
    }
    assert dispatcher.messages == []


async def test_the_screens_yes_after_the_result_is_an_emergency_not_a_yes_to_the_checkin(dispatcher):
    offered = {"checkin_offered": True, "checkin_suggested_hours": 2}
    events = await ActionScheduleCheckin().run(
        dispatcher, tracker("yes, one of these is happening", slots=offered, intent="affirm"), {}
    )
    assert not [e for e in events if e["event"] == "reminder"]
    assert responses(dispatcher)[0] == "utter_level_emergency"
    assert {"event": "slot", "name": "checkin_offered", "value": False, "timestamp": None} in events


async def test_a_new_time_said_while_a_checkin_waits_moves_it(dispatcher):
    """ "make it tomorrow instead" is not an intent: the fallback moves the waiting check-in."""
    from actions.action_fallback import ActionFallback

    due = (datetime.now(timezone.utc) + timedelta(hours=2)).isoformat()
    scheduled = {"event": "reminder", "name": "checkin_a", "intent": CHECKIN_INTENT, "date_time": due}
    moved = tracker("actually make it tomorrow instead", [scheduled], intent="nlu_fallback")
    events = await ActionFallback().run(dispatcher, moved, {})
    assert [e["name"] for e in events if e["event"] == "cancel_reminder"] == ["checkin_a"]
    assert [e for e in events if e["event"] == "reminder"]
    assert dispatcher.messages[0]["when"] == "tomorrow at about this time"


async def test_a_time_without_a_waiting_checkin_or_after_an_emergency_is_not_a_checkin(dispatcher):
    from actions.action_fallback import ActionFallback

    events = await ActionFallback().run(dispatcher, tracker("tomorrow", intent="nlu_fallback"), {})
    assert not [e for e in events if e["event"] == "reminder"] and responses(dispatcher) == ["utter_default"]
    due = (datetime.now(timezone.utc) + timedelta(hours=2)).isoformat()
    scheduled = {"event": "reminder", "name": "checkin_a", "intent": CHECKIN_INTENT, "date_time": due}
    after = tracker("tomorrow", [scheduled], slots={"triage_level": "emergency"}, intent="nlu_fallback")
    events = await ActionFallback().run(dispatcher, after, {})
    assert not [e for e in events if e["event"] == "reminder"]


async def test_signs_happening_said_with_a_new_time_are_the_signs_first(dispatcher):
    """ "some of those are happening now, talk again in 30 min" only moved the check-in (a review)."""
    from actions.action_fallback import ActionFallback

    due = (datetime.now(timezone.utc) + timedelta(hours=2)).isoformat()
    scheduled = {"event": "reminder", "name": "checkin_a", "intent": CHECKIN_INTENT, "date_time": due}
    text = "hmm some of those are happening now, talk again in 30 min"
    events = await ActionFallback().run(dispatcher, tracker(text, [scheduled], intent="nlu_fallback"), {})
    assert not [e for e in events if e["event"] == "reminder"]
    assert responses(dispatcher)[0] == "utter_level_emergency"
