"""action_start_checkin: a check-in is due (Rasa fired its reminder); the check-in form follows.

The red-flag screen is asked afresh: its earlier answer is cleared, so the form asks it again.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.names import ActionName, Entity, Response, Slot


class ActionStartCheckin(Action):
    def name(self) -> Text:
        return ActionName.START_CHECKIN

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        entities = (tracker.latest_message or {}).get("entities") or []
        name = next((e.get("value") for e in entities if e.get("entity") == Entity.CHECKIN_ID), None)
        dispatcher.utter_message(response=Response.CHECKIN_HELLO, json_message={"checkin": {"id": name}})
        return [
            SlotSet(Slot.CHECKIN_FEELING, None),
            SlotSet(Slot.EMERGENCY_SCREEN, None),
            SlotSet(Slot.CHECKIN_OFFERED, False),
        ]
