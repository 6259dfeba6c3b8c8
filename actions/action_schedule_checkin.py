"""action_schedule_checkin: "check on me in 2 hours" (or yes to the offer) becomes Rasa's reminder.

A time typed on its own in answer to the offer ("tomorrow", "an hour") is not an intent the NLU
knows (teaching it those words moved the learned red-flag layer's threshold); the rules send such
a not-understood reply here while the offer is open, and it is a check-in when it holds a time.

The check-in lives in the conversation as a `ReminderScheduled` event (bot/checkins/delivery.py
delivers it, once, also after a restart). One check-in at a time: a new one replaces the others.
"""

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ReminderCancelled, ReminderScheduled, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import numbers_for, screen_yes_said_again
from actions.checkin_offer import pending_checkins
from actions.not_understood import utter_not_understood
from actions.safety_net import emergency_if_needed
from bot.checkins.plan import hours_in, load_plan, new_name, when_text
from bot.checkins.summary import stamp
from bot.names import ActionName, Entity, Intent, Level, Response, Slot
from bot.settings import checkin_seconds_per_hour


class ActionScheduleCheckin(Action):
    def name(self) -> Text:
        return ActionName.SCHEDULE_CHECKIN

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if tracker.get_slot(Slot.TRIAGE_LEVEL) == Level.EMERGENCY:
            # The advice after an emergency is to call now, not to wait for a check-in.
            dispatcher.utter_message(
                response=Response.CHECKIN_NOT_AFTER_EMERGENCY, emergency_number=numbers_for(tracker).emergency_number
            )
            return [SlotSet(Slot.CHECKIN_OFFERED, False)]
        text = (tracker.latest_message or {}).get("text") or ""
        said = screen_yes_said_again(dispatcher, tracker)
        if said:  # a yes to the screen, not to the offer
            return [*said, SlotSet(Slot.CHECKIN_OFFERED, False)]
        asked = hours_in(text)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if intent == Intent.NLU_FALLBACK and asked is None:
            # A reply to the offer that is neither yes, no nor a time: not understood, as anywhere
            # else (safety net first). The offer closes; "check on me in 2 hours" still works.
            return (emergency_if_needed(dispatcher, tracker) or _not_understood(dispatcher, tracker)) + [
                SlotSet(Slot.CHECKIN_OFFERED, False)
            ]
        return schedule_checkin(dispatcher, tracker, asked or tracker.get_slot(Slot.CHECKIN_SUGGESTED_HOURS))


def schedule_checkin(
    dispatcher: CollectingDispatcher, tracker: Tracker, hours: Optional[float]
) -> List[Dict[Text, Any]]:
    """Schedule the check-in `hours` from now (the plan's last default without one), replacing any other."""
    plan = load_plan()
    hours = plan.clamp(hours or plan.defaults[-1].hours)
    due = datetime.now(timezone.utc) + timedelta(seconds=hours * checkin_seconds_per_hour())
    name = new_name()
    events: List[Dict[Text, Any]] = [ReminderCancelled(name=p.name) for p in pending_checkins(tracker)]
    events += [
        ReminderScheduled(
            Intent.EXTERNAL_CHECKIN,
            trigger_date_time=due,
            entities=[{"entity": Entity.CHECKIN_ID, "value": name}],
            name=name,
            kill_on_user_message=False,
        ),
        SlotSet(Slot.CHECKIN_OFFERED, False),
    ]
    dispatcher.utter_message(response=Response.CHECKIN_SCHEDULED, when=when_text(hours), due=stamp(due))
    return events


def _not_understood(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    utter_not_understood(dispatcher, tracker)
    return []
