"""action_decline_checkin: "no thanks" to the offered check-in."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.names import ActionName, Response, Slot


class ActionDeclineCheckin(Action):
    def name(self) -> Text:
        return ActionName.DECLINE_CHECKIN

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response=Response.CHECKIN_DECLINED)
        return [SlotSet(Slot.CHECKIN_OFFERED, False)]
