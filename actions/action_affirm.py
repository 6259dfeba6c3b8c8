"""action_affirm: a yes outside the assessment ("anything else I can help with?"), unless it is the
red-flag screen's yes said again after the result: then the emergency assessment."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import screen_yes_said_again
from bot.names import ActionName, Response


class ActionAffirm(Action):
    def name(self) -> Text:
        return ActionName.AFFIRM

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        said = screen_yes_said_again(dispatcher, tracker)
        if not said:
            dispatcher.utter_message(response=Response.ANYTHING_ELSE_TO_HELP)
        return said
