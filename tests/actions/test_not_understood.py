"""Not understood: in the writer's language first when it is clearly another one, always the number."""

from actions.not_understood import utter_not_understood


def test_english_gets_the_english_text_with_the_number(make_tracker, dispatcher):
    text = "purple monkey dishwasher"
    utter_not_understood(dispatcher, make_tracker([text], intent="nlu_fallback"))
    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]
    assert dispatcher.messages[0]["emergency_number"] == "911"


def test_spanish_gets_a_spanish_line_with_the_number_first(make_tracker, dispatcher):
    text = "mi esposo tiene convulsiones, toma baclofeno"
    utter_not_understood(dispatcher, make_tracker([text], intent="nlu_fallback"))
    first, second = dispatcher.messages
    assert first["text"].startswith("Lo siento, solo entiendo inglés") and "911" in first["text"]
    assert second["response"] == "utter_default"


def test_the_number_of_the_region_the_person_named(make_tracker, dispatcher):
    turns = ["should i ring 999", "purple monkey dishwasher"]
    utter_not_understood(dispatcher, make_tracker(turns, intent="nlu_fallback"))
    assert dispatcher.messages[0]["emergency_number"] == "999"
