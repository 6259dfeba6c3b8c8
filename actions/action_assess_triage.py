"""action_assess_triage: the triage of everything said so far, with advice and reasons; after
an urgent or routine level, the offer of a check-in."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import assess_tracker, utter_assessment
from actions.checkin_offer import offer_checkin
from actions.history import level_given_this_turn
from bot.names import ActionName, Level, Slot


class ActionAssessTriage(Action):
    def name(self) -> Text:
        return ActionName.ASSESS_TRIAGE

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        assessment = assess_tracker(tracker)
        if assessment.is_emergency and level_given_this_turn(tracker) == Level.EMERGENCY:
            # The safety net gave it this turn (the form then ended): once is enough.
            return [SlotSet(Slot.TRIAGE_LEVEL, assessment.level), SlotSet(Slot.SYMPTOMS, assessment.symptoms)]
        return utter_assessment(dispatcher, assessment, tracker) + offer_checkin(dispatcher, tracker, assessment)
