"""action_assess_triage: the triage of everything said so far, with advice and reasons; after
an urgent or routine level, the offer of a check-in."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_emergency_reminder import ActionEmergencyReminder
from actions.assessment import assess_tracker, utter_assessment
from actions.checkin_offer import offer_checkin
from actions.history import heard_intent, latest_red_flags, level_given_this_turn
from bot.names import LEARNED_RED_FLAG, ActionName, Intent, Level, Slot


def help_said_to_have_come(tracker: Tracker) -> bool:
    """After the emergency advice, "I've called 999, the ambulance is coming" in which only the
    learned layer read a red flag (words of calling for help come with emergencies): the person
    did what was asked, and gets the summary to show the responders, not the same advice again.
    Only here, never in the router: before the advice, a story told as "he ended up in the ER"
    must keep the layer's finding (moving it to the router cost 9 development emergencies)."""
    return (
        tracker.get_slot(Slot.TRIAGE_LEVEL) == Level.EMERGENCY
        and heard_intent(tracker) == Intent.HELP_ARRIVED
        and set(latest_red_flags(tracker)) <= {LEARNED_RED_FLAG}
    )


class ActionAssessTriage(Action):
    def name(self) -> Text:
        return ActionName.ASSESS_TRIAGE

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if help_said_to_have_come(tracker):
            return await ActionEmergencyReminder().run(dispatcher, tracker, domain)
        assessment = assess_tracker(tracker)
        if assessment.is_emergency and level_given_this_turn(tracker) == Level.EMERGENCY:
            # The safety net gave it this turn (the form then ended): once is enough.
            return [SlotSet(Slot.TRIAGE_LEVEL, assessment.level), SlotSet(Slot.SYMPTOMS, assessment.symptoms)]
        return utter_assessment(dispatcher, assessment) + offer_checkin(dispatcher, tracker, assessment)
