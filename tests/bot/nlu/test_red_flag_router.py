import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.entities import finding_to_entity
from bot.nlu.red_flag_router import RedFlagRouter, is_emergency_alone, looks_like_question


def routed(findings, text, intent, confidence=0.9):
    message = Message(data={TEXT: text})
    message.set(ENTITIES, [{**finding_to_entity(f), "extractor": "SymptomExtractor"} for f in findings(text)])
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence}])
    (out,) = RedFlagRouter().process([message])
    return out


@pytest.mark.parametrize("predicted", ["ask_side_effects", "greet", "nlu_fallback", "deny", "inform_route"])
def test_a_red_flag_overrides_any_intent(findings, predicted):
    out = routed(findings, "i keep seeing bugs on the walls", predicted)
    assert out.get(INTENT) == {"name": "red_flag", "confidence": 1.0}
    assert [r["name"] for r in out.get(INTENT_RANKING_KEY)] == ["red_flag", predicted]


def test_an_emergency_combination_in_one_message_is_routed(findings):
    out = routed(findings, "my pump is beeping and i'm itchy all over", "ask_pump")
    assert out.get(INTENT)["name"] == "red_flag"


@pytest.mark.parametrize(
    "text",
    ["no hallucinations at all", "what if i have a seizure", "i had a fit when i was a kid", "hello"],
)
def test_no_override_without_a_present_emergency(findings, text):
    assert routed(findings, text, "greet").get(INTENT)["name"] != "red_flag"


def test_a_report_heard_as_a_question_becomes_a_report(findings):
    assert (
        routed(findings, "baclofen is making me constipated", "ask_side_effects").get(INTENT)["name"]
        == "report_symptoms"
    )


def test_a_real_question_stays_a_question(findings):
    text = "is it safe to drink alcohol on baclofen?"
    assert routed(findings, text, "ask_alcohol").get(INTENT)["name"] == "ask_alcohol"


def test_a_route_the_classifier_did_not_understand_is_a_route(findings):
    assert routed(findings, "im on a baclofen pump", "nlu_fallback").get(INTENT)["name"] == "inform_route"


def test_a_question_naming_a_route_stays_a_question(findings):
    text = "can i have an mri with my baclofen pump"
    assert routed(findings, text, "ask_pump").get(INTENT)["name"] == "ask_pump"


def test_form_answers_keep_their_intent(findings):
    assert routed(findings, "i ran out", "inform_situation").get(INTENT)["name"] == "inform_situation"


@pytest.mark.parametrize(
    "text, expected", [("what is baclofen", True), ("Is it safe", True), ("i stopped, what now?", False)]
)
def test_looks_like_question(text, expected):
    assert looks_like_question(text) is expected


@pytest.mark.parametrize(
    "text", ["je ne comprends pas ce que vous dites", "mi esposo toma baclofeno desde ayer y esta bien"]
)
def test_a_message_in_another_language_is_not_understood_whatever_the_classifier_guessed(findings, text):
    assert routed(findings, text, "out_of_scope").get(INTENT)["name"] == "nlu_fallback"


@pytest.mark.parametrize(
    "text, words",
    [
        ("j'ai arrêté le baclofène et j'ai de la fièvre 39", "fievre"),
        ("mi esposo tiene convulsiones desde ayer", "convulsion"),
        ("Tengo fiebre y estoy confundido desde que dejé el baclofeno", "fiebre, confundid"),
        ("Mein Mann ist verwirrt und hat Fieber seit gestern", "verwirrt, fieber"),
    ],
)
def test_a_red_flag_named_in_another_language_is_an_emergency(findings, text, words):
    """Exploratory tests (fourth, and the collision probe): the line in that language was only a "call if …"."""
    message = routed(findings, text, "out_of_scope")
    assert message.get(INTENT)["name"] == "red_flag"
    (entity,) = message.get("entities")
    assert (entity["value"], entity["role"], entity["text"]) == ("possible_red_flag", "present", words)
    assert is_emergency_alone(message.get("entities"))


@pytest.mark.parametrize(
    "text, symptom",
    [
        ("mi esposo no respira", "possible_red_flag"),  # Portuguese 0.54, Spanish 0.45: not English
        ("mi esposo tiene spasms y fiebre alta y convulsiones", "possible_red_flag"),  # an English word in it
        ("quiero morir, no aguanto más", "suicidal"),  # with the crisis line
        ("ich will mich umbringen, es geht nicht mehr", "suicidal"),
    ],
)
def test_red_flags_in_another_language_are_read_when_it_is_probably_not_english(findings, text, symptom):
    """A review of the change (2026-12-01): short Spanish and a message with an English word were missed."""
    message = routed(findings, text, "deny")
    assert message.get(INTENT)["name"] == "red_flag"
    assert symptom in {e["value"] for e in message.get("entities")}


def test_english_words_the_lexicon_read_are_not_read_again_as_another_language(findings):
    """ "seizure? no. confusion? no." is named German; "confus" is a French word start."""
    message = routed(findings, "seizure? no. confusion? no.", "deny")
    assert message.get(INTENT)["name"] == "deny"


def test_english_with_findings_is_never_taken_for_another_language(findings):
    """langid names "seizure? no. fever? no." German: the lexicon's (negated) findings keep it English."""
    assert routed(findings, "seizure? no. fever? no.", "deny").get(INTENT)["name"] == "deny"


def test_an_unsure_help_arrived_with_nothing_found_is_not_understood(findings):
    """ "I take 25mg four times a day, is that the maximum?" got "if you have called for help…" (0.6)."""
    unsure = routed(findings, "I take 25mg four times a day, is that the maximum?", "help_arrived", 0.6)
    assert unsure.get(INTENT)["name"] == "nlu_fallback"
    assert routed(findings, "the paramedics are here", "help_arrived", 0.99).get(INTENT)["name"] == "help_arrived"
