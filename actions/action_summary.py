"""action_summary: a dated summary of the conversation to show the doctor (bot/checkins/summary.py).

Sent as text the person can copy or forward, and as `custom.summary` for the web page's printable
view. Built from the tracker alone: what the person reported, the levels with their reasons and
sources, the check-ins.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.checkins.summary import build_summary
from bot.names import ActionName, Response

# The disclaimer printed with the summary (the same words as the domain's utter_disclaimer).
SUMMARY_NOTE = (
    "Made by a self-assessment chatbot from what was typed into it; not a diagnosis. Never stop, "
    "restart or change a baclofen dose on your own: the prescriber plans any change."
)


class ActionSummary(Action):
    def name(self) -> Text:
        return ActionName.SUMMARY

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if not utter_summary(dispatcher, tracker):
            dispatcher.utter_message(response=Response.SUMMARY_EMPTY)
        return []


def utter_summary(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Send the summary (text, and `custom.summary` for the web page); False when there is nothing yet."""
    summary = build_summary(tracker.events)
    if summary.empty:
        return False
    dispatcher.utter_message(
        response=Response.SUMMARY,
        summary=summary.text(SUMMARY_NOTE),
        json_message={"summary": {**summary.as_dict(), "note": SUMMARY_NOTE}},
    )
    return True
