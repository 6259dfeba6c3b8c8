"""action_assess_triage: the triage of everything said so far, with advice and reasons."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import assess_tracker, utter_assessment


class ActionAssessTriage(Action):
    def name(self) -> Text:
        return "action_assess_triage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return utter_assessment(dispatcher, assess_tracker(tracker))
