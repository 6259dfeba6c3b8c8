"""The actions' safety net: red-flag wording gets the emergency advice in the same turn.

The NLU pipeline already routes a red flag to the emergency rules (RedFlagRouter). This net is
the second, independent layer: whichever action the dialogue picked for this turn (answering a
question, a fallback, a form step), if the latest message carries a present red flag and no
emergency advice has been sent since, the action sends it before doing its own work.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import assess_tracker, utter_assessment
from actions.history import latest_red_flags, level_given_this_turn


def emergency_if_needed(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Send the emergency assessment if a red flag is pending this turn; return its events."""
    if not latest_red_flags(tracker) or level_given_this_turn(tracker) == "emergency":
        return []
    return utter_assessment(dispatcher, assess_tracker(tracker))
