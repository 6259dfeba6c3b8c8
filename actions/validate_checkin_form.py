"""validate_checkin_form: at a check-in, "better / the same / worse" and the red-flag screen.

Symptoms told in answer to "how are you now?" count as a change to look at ("symptoms"); the
screen is read exactly as in the assessment (`screen_answer`). A red flag never reaches here:
the rules give the emergency advice at once and end the check-in.
"""

from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.validate_assessment_form import SafeFormValidation, _asked, _intent, _mentions, screen_answer
from bot.names import ActionName, Entity, Intent, Slot

FEELING_INTENTS = {Intent.FEEL_BETTER: "better", Intent.FEEL_SAME: "same", Intent.FEEL_WORSE: "worse"}


def feeling_in(intent: Optional[Text], text: Text, reported_symptoms: bool) -> Optional[Text]:
    """better | same | worse | symptoms, or None when the answer says none of these."""
    if intent in FEELING_INTENTS:
        return FEELING_INTENTS[intent]
    lowered = text.lower()
    if "worse" in lowered:
        return "worse"
    if reported_symptoms:
        return "symptoms"
    if "better" in lowered:
        return "better"
    if "same" in lowered:
        return "same"
    return None


class ValidateCheckinForm(SafeFormValidation):
    def name(self) -> Text:
        return ActionName.VALIDATE_CHECKIN_FORM

    async def extract_checkin_feeling(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not _asked(tracker, Slot.CHECKIN_FEELING):
            return {}
        text = (tracker.latest_message or {}).get("text") or ""
        feeling = feeling_in(_intent(tracker), text, _mentions(tracker, Entity.SYMPTOM))
        return {Slot.CHECKIN_FEELING: feeling} if feeling else {}

    async def extract_emergency_screen(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return screen_answer(tracker)
