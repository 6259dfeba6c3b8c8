"""action_note_symptoms: more symptoms while the form asks something else are noted (safety net first)."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.safety_net import emergency_if_needed
from bot.names import ActionName, Response


class ActionNoteSymptoms(Action):
    def name(self) -> Text:
        return ActionName.NOTE_SYMPTOMS

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        events = emergency_if_needed(dispatcher, tracker)
        if not events:
            dispatcher.utter_message(response=Response.NOTED_SYMPTOMS)
        return events
