"""action_cancel_checkin: "stop checking on me" cancels every pending check-in of the conversation."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ReminderCancelled, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.checkin_offer import pending_checkins
from bot.names import ActionName, Response, Slot


class ActionCancelCheckin(Action):
    def name(self) -> Text:
        return ActionName.CANCEL_CHECKIN

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        waiting = pending_checkins(tracker)
        dispatcher.utter_message(response=Response.CHECKIN_CANCELLED if waiting else Response.NO_CHECKIN)
        # By name: the other process of a scale-out set-up sees the cancel in the conversation.
        return [ReminderCancelled(name=p.name) for p in waiting] + [SlotSet(Slot.CHECKIN_OFFERED, False)]
