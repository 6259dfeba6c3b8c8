"""action_emergency_reminder: after the emergency advice, every reply says it again first.

Someone told to call the emergency number who then writes "it's still going on", "what do I do"
or "is he going to die?" is in the same emergency: the dialogue's usual answers (a question
about tablets or the pump, "anything else I can help with?") would read as if it had passed.
The rules in data/rules.yml send this action for such turns while `triage_level` is emergency
(it stays there until the conversation restarts: a red flag is never withdrawn).

"The paramedics are here" or "I've called 999" (intent help_arrived) is not met with the same
reminder: the person did what was asked. They are told to follow the responders' instructions and
get the conversation's summary to show them (the same as "summary for the doctor").
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_summary import utter_summary
from actions.assessment import assess_tracker, numbers_to_fill
from bot.names import ActionName, Intent, Response, Slot
from bot.nlu.thresholds import HELP_CONFIDENCE
from bot.triage import triage_payload


def help_said_to_have_come(tracker: Tracker) -> bool:
    """A confident `help_arrived` (bot/nlu/thresholds.py). A message with a red flag in it never gets
    here (the router makes it `red_flag`: the whole advice again)."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name") == Intent.HELP_ARRIVED and float(intent.get("confidence") or 0.0) >= HELP_CONFIDENCE


class ActionEmergencyReminder(Action):
    def name(self) -> Text:
        return ActionName.EMERGENCY_REMINDER

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        # Assessed again from everything said, so the banner's symptoms and numbers stay current.
        assessment = assess_tracker(tracker)
        numbers, fill = numbers_to_fill(tracker)
        # A conversation resumed after its session expired keeps the slot but not the turns: the
        # reminder is still said (its words hold either way), without a payload it cannot back.
        payload = {"triage": triage_payload(assessment, numbers)} if assessment.is_emergency else None
        reply = (
            Response.HELP_ARRIVED
            if help_said_to_have_come(tracker) and assessment.is_emergency
            else Response.EMERGENCY_REMINDER
        )
        dispatcher.utter_message(response=reply, json_message=payload, **fill)
        if reply == Response.HELP_ARRIVED:
            utter_summary(dispatcher, tracker)
        if assessment.crisis_line:
            dispatcher.utter_message(response=Response.CRISIS_LINE, **fill)
        # Symptoms added after the advice ("he's shaking too") are kept for the summary.
        return [SlotSet(Slot.SYMPTOMS, assessment.symptoms)] if assessment.is_emergency else []
