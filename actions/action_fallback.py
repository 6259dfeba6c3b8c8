"""action_fallback: what the bot says when it did not understand (and the safety net)."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.action_schedule_checkin import schedule_checkin
from actions.assessment import screen_yes_said_again
from actions.checkin_offer import pending_checkins
from actions.not_understood import utter_not_understood
from actions.safety_net import emergency_if_needed
from bot.checkins.plan import hours_in
from bot.names import ActionName, Level, Slot


class ActionFallback(Action):
    def name(self) -> Text:
        return ActionName.FALLBACK

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        events = emergency_if_needed(dispatcher, tracker)
        if events:
            return events
        said = screen_yes_said_again(dispatcher, tracker)
        if said:  # "some of those are happening now, talk again in 30 min": the signs first (a review)
            return said
        moved_to = hours_in((tracker.latest_message or {}).get("text") or "")
        if (
            moved_to is not None
            and pending_checkins(tracker)
            and tracker.get_slot(Slot.TRIAGE_LEVEL) != Level.EMERGENCY
        ):
            # "make it tomorrow instead" while a check-in waits: the NLU has no intent for a bare
            # time (teaching it one moved the learned layer's threshold), so it is read here.
            return schedule_checkin(dispatcher, tracker, moved_to)
        utter_not_understood(dispatcher, tracker)
        if tracker.active_loop_name:
            # In the assessment the rules run the form again, which asks its question again.
            # Reverting the turn here would also undo that rule's trigger: the question was
            # never asked again and the assessment was silently dropped.
            return []
        # Like Rasa's own default fallback: forget the turn so it does not steer later predictions.
        return [UserUtteranceReverted()]
