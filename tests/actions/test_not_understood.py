"""Not understood: in the writer's language first when it is clearly another one, always the number."""

from rasa_sdk.executor import CollectingDispatcher

from actions.not_understood import utter_not_understood


def test_english_gets_the_english_text_with_the_number():
    dispatcher = CollectingDispatcher()
    utter_not_understood(dispatcher, "purple monkey dishwasher")
    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]
    assert dispatcher.messages[0]["emergency_number"] == "911"


def test_spanish_gets_a_spanish_line_with_the_number_first():
    dispatcher = CollectingDispatcher()
    utter_not_understood(dispatcher, "mi esposo tiene convulsiones, toma baclofeno")
    first, second = dispatcher.messages
    assert first["text"].startswith("Lo siento, solo entiendo inglés") and "911" in first["text"]
    assert second["response"] == "utter_default"
