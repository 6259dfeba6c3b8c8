"""What every action says when it did not understand: in the writer's language first when the
message is clearly in another one (bot/language.py), then the English text with the number."""

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import numbers_for
from bot.language import load, other_language, other_language_texts
from bot.names import Response

# The action server imports this when it starts: the model loads then, not in a person's turn.
load()


def utter_not_understood(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """For the latest message: in its language first when it is clearly another one, then English."""
    number = numbers_for(tracker).emergency_number
    language = other_language((tracker.latest_message or {}).get("text") or "")
    if language:
        dispatcher.utter_message(text=other_language_texts()[language].format(emergency_number=number))
    dispatcher.utter_message(response=Response.DEFAULT, emergency_number=number)
