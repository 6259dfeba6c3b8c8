"""validate_assessment_form: answers the form's questions can take beyond the slot mappings.

The domain's mappings fill `route` and `situation` from the extractor's entities. Here: "I don't
know" becomes "unknown" instead of a question asked forever, and "anything else?" is answered
by a denial or by more symptoms. A red flag (intent `red_flag`) is left to the rules, which
interrupt the form; any other red-flag wording gets the safety net's emergency advice first.
"""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.history import findings_of
from actions.safety_net import emergency_if_needed

DONT_KNOW = ("deny", "unsure")
RED_FLAG = "red_flag"
# Answers to "anything else?" that mean "no, that's all".
FINISHED = ("deny", "unsure", "thank", "goodbye", "inform_route", "inform_situation", "report_symptoms")


def _intent(tracker: Tracker) -> Optional[Text]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _asked(tracker: Tracker, slot: Text) -> bool:
    return tracker.get_slot("requested_slot") == slot and _intent(tracker) != RED_FLAG


class ValidateAssessmentForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_assessment_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        events: List[Dict[Text, Any]] = []
        if _intent(tracker) != RED_FLAG:
            events = emergency_if_needed(dispatcher, tracker)
        return events + await super().run(dispatcher, tracker, domain)

    async def extract_route(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if _asked(tracker, "route") and _intent(tracker) in (*DONT_KNOW, "inform_route"):
            if not any(f["kind"] == "route" for f in findings_of(tracker.latest_message)):
                return {"route": "unknown"}
        return {}

    async def extract_situation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if _asked(tracker, "situation") and _intent(tracker) in (*DONT_KNOW, "inform_situation"):
            if not any(f["kind"] == "event" for f in findings_of(tracker.latest_message)):
                return {"situation": "unknown"}
        return {}

    async def extract_anything_else(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not _asked(tracker, "anything_else"):
            return {}
        if any(f["kind"] == "symptom" for f in findings_of(tracker.latest_message)):
            return {"anything_else": "reported"}
        if _intent(tracker) in FINISHED:
            return {"anything_else": "no"}
        # A question or anything else: the form rejects, the rules answer, the form asks again.
        return {}
