"""action_next_checkin: "when is my next check-in?" — when, or that there is none."""

from datetime import datetime, timezone
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.checkin_offer import pending_checkins
from bot.checkins.plan import when_text
from bot.checkins.summary import stamp
from bot.names import ActionName, Response
from bot.settings import checkin_seconds_per_hour


class ActionNextCheckin(Action):
    def name(self) -> Text:
        return ActionName.NEXT_CHECKIN

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        waiting = pending_checkins(tracker)
        if not waiting:
            dispatcher.utter_message(response=Response.NO_CHECKIN)
            return []
        due = waiting[0].due
        hours = max((due - datetime.now(timezone.utc)).total_seconds(), 0) / checkin_seconds_per_hour()
        rounded = round(hours * 4) / 4 if hours < 1 else round(hours * 2) / 2  # quarter, then half hours
        words = when_text(rounded) if rounded > 0 else "in a few minutes"
        dispatcher.utter_message(response=Response.NEXT_CHECKIN, when=words, due=stamp(due))
        return []
