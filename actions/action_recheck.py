"""action_recheck: "getting worse", "about the same", "much better" said after an assessment,
without a check-in asking: the check-in's questions now.

How the person is goes into the check-in form's first slot (so it is not asked again), and the
red-flag screen is cleared, so the form asks it afresh; `action_checkin_result` then says what
it leads to, as at a check-in. Without this, a "getting worse" between check-ins was "not
understood" (exploratory test, 2026-11-30).
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.validate_checkin_form import feeling_in
from bot.names import ActionName, Slot


class ActionRecheck(Action):
    def name(self) -> Text:
        return ActionName.RECHECK

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message or {}
        intent = (latest.get("intent") or {}).get("name")
        return [
            SlotSet(Slot.CHECKIN_FEELING, feeling_in(intent, latest.get("text") or "", False)),
            SlotSet(Slot.EMERGENCY_SCREEN, None),
            SlotSet(Slot.CHECKIN_OFFERED, False),
        ]
