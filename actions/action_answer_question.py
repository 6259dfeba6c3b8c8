"""action_answer_question: short, sourced answers from bot/knowledge/answers.yml."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import numbers_for, source_titles
from actions.not_understood import utter_not_understood
from actions.safety_net import emergency_if_needed
from bot.knowledge.answers import load_answers
from bot.knowledge.reasons import load_reasons
from bot.names import ActionName, Response


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return ActionName.ANSWER_QUESTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        events = emergency_if_needed(dispatcher, tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        answer = load_answers().get(str(intent))
        if answer is None:
            utter_not_understood(dispatcher, tracker)
            return events
        numbers = numbers_for(tracker)
        text = answer.text.format(emergency_number=numbers.emergency_number)
        if answer.sources:  # a question the bot has no checked answer for cites nothing
            text += " " + load_reasons().sources_line("answer", source_titles(list(answer.sources)))
        dispatcher.utter_message(response=Response.ANSWER, answer=text)
        return events
