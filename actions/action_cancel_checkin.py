"""action_cancel_checkin: "stop checking on me" cancels every pending check-in of the conversation."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ReminderCancelled, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.checkin_offer import pending_checkins


class ActionCancelCheckin(Action):
    def name(self) -> Text:
        return "action_cancel_checkin"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        waiting = pending_checkins(tracker)
        dispatcher.utter_message(response="utter_checkin_cancelled" if waiting else "utter_no_checkin")
        # By name: the other process of a scale-out set-up sees the cancel in the conversation.
        return [ReminderCancelled(name=p.name) for p in waiting] + [SlotSet("checkin_offered", False)]
