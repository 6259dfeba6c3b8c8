"""action_checkin_result: what a check-in's answers lead to.

A yes to the red-flag screen, "worse", new symptoms or "not sure": the assessment again, with
everything said since the start (a yes is an emergency, as in the assessment). "Better" or "the
same" with none of the signs: said so, and for "the same" another check-in is offered.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import assess_tracker, utter_assessment
from actions.checkin_offer import offer_checkin
from bot.names import ActionName, Response, Slot


class ActionCheckinResult(Action):
    def name(self) -> Text:
        return ActionName.CHECKIN_RESULT

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        feeling = tracker.get_slot(Slot.CHECKIN_FEELING)
        screen = tracker.get_slot(Slot.EMERGENCY_SCREEN)
        assessment = assess_tracker(tracker)
        if screen in ("yes", "unsure") or feeling in ("worse", "symptoms") or assessment.is_emergency:
            dispatcher.utter_message(response=Response.CHECKIN_REASSESS)
            return utter_assessment(dispatcher, assessment, tracker) + offer_checkin(dispatcher, tracker, assessment)
        if feeling == "better":
            dispatcher.utter_message(response=Response.CHECKIN_BETTER)
            return []
        dispatcher.utter_message(response=Response.CHECKIN_SAME)
        return offer_checkin(dispatcher, tracker, assessment)
