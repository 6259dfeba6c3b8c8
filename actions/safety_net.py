"""The actions' safety net: an emergency is told in the turn it appears, whatever action runs.

The NLU pipeline already routes a message that is an emergency on its own to the emergency
rules (RedFlagRouter). This net is the second, independent layer, for what a single message
cannot show: whichever action the dialogue picked for this turn (answering a question, a
fallback, a form step, noting a symptom), the action first checks

- the latest message carries a present red flag, or
- everything said so far now adds up to an emergency that was not given before
  (the pump mentioned in turn 2, the rigid legs in turn 4),

and if no emergency advice was sent this turn, sends it before doing its own work.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import assess_tracker, utter_assessment
from actions.history import findings_of, latest_red_flags, level_given_this_turn
from bot.names import Level, Slot


def emergency_if_needed(
    dispatcher: CollectingDispatcher, tracker: Tracker, answer_changed_slots: bool = False
) -> List[Dict[Text, Any]]:
    """Send the emergency assessment if one is due this turn; return its events.

    Due when this turn brought something new: a present finding in the latest message, or (for
    the form) an answer that changed what we know, such as "I don't know" to "tablets or pump?"
    when rigid legs are only an emergency if it may be a pump.
    """
    if level_given_this_turn(tracker) == Level.EMERGENCY:
        return []
    latest = findings_of(tracker.latest_message or {})
    if not answer_changed_slots and not any(f["assertion"] == "present" for f in latest):
        return []
    assessment = assess_tracker(tracker)
    if not assessment.is_emergency:
        return []
    is_new = tracker.get_slot(Slot.TRIAGE_LEVEL) != Level.EMERGENCY
    if latest_red_flags(tracker) or is_new:
        return utter_assessment(dispatcher, assessment, tracker)
    return []
