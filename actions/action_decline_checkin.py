"""action_decline_checkin: "no thanks" to the offered check-in."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionDeclineCheckin(Action):
    def name(self) -> Text:
        return "action_decline_checkin"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_checkin_declined")
        return [SlotSet("checkin_offered", False)]
