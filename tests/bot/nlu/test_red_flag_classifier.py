"""The learned red-flag layer as a Rasa component: trained and stored with the model, loaded back, run."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.entities import findings_from_entities
from bot.nlu.red_flag_classifier import RedFlagClassifier
from bot.nlu.red_flag_router import RedFlagRouter
from bot.nlu.symptom_extractor import SymptomExtractor


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A component trained by Rasa's own calls and persisted in a model storage."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("red_flag_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    component = RedFlagClassifier.create({}, storage, resource, context)
    assert component.train(TrainingData()) == resource
    return storage, resource, context


@pytest.fixture(scope="module")
def loaded(stored):
    storage, resource, context = stored
    return RedFlagClassifier.load({}, storage, resource, context)


def run(nlp, component, text):
    message = Message(data={TEXT: text})
    message.set(SPACY_DOCS[TEXT], nlp(text.lower()))
    SymptomExtractor().process([message])
    component.process([message])
    RedFlagRouter().process([message])
    return message


def test_a_red_flag_in_unknown_words_becomes_a_present_finding_and_the_intent_red_flag(nlp, loaded):
    message = run(nlp, loaded, "I stopped the baclofen and now I have to think about every breath")
    learned = [e for e in message.get(ENTITIES) if e["extractor"] == "RedFlagClassifier"]
    assert [(e["value"], e["role"]) for e in learned] == [("possible_red_flag", "present")]
    assert 0 < learned[0]["confidence_entity"] <= 1
    assert findings_from_entities(learned)[0]["score"] == learned[0]["confidence_entity"]
    assert message.get("intent")["name"] == "red_flag"


def test_it_adds_nothing_when_the_lexicon_already_found_the_emergency(nlp, loaded):
    message = run(nlp, loaded, "I stopped baclofen and I'm seeing bugs on the walls")
    assert not [e for e in message.get(ENTITIES) if e["extractor"] == "RedFlagClassifier"]
    assert message.get("intent")["name"] == "red_flag"


@pytest.mark.parametrize("text", ["no hallucinations, just can't sleep", "I'm scared I might have a seizure"])
def test_it_never_removes_or_contradicts_the_lexicon(nlp, loaded, text):
    message = run(nlp, loaded, text)
    lexicon = [(e["value"], e["role"]) for e in message.get(ENTITIES) if e["extractor"] == "SymptomExtractor"]
    assert lexicon and all(role != "present" for _, role in lexicon if _ in ("hallucinations", "seizure"))
    assert not [e for e in message.get(ENTITIES) if e["extractor"] == "RedFlagClassifier"]


def test_an_untrained_component_and_an_empty_message_do_nothing(nlp, stored):
    storage, resource, context = stored
    untrained = RedFlagClassifier.create({}, storage, resource, context)
    assert run(nlp, untrained, "I have to think about every breath").get(ENTITIES) == []
    empty = Message(data={TEXT: ""})
    assert untrained.process([empty]) == [empty]


def test_a_changed_training_file_changes_the_fingerprint(tmp_path):
    from bot.nlp.red_flag_model import training_fingerprint

    dev = tmp_path / "dev.yml"
    dev.write_text("vignettes: []\n")
    before = training_fingerprint([dev])
    dev.write_text("vignettes: [] # changed\n")
    assert training_fingerprint([dev]) != before
    assert RedFlagClassifier.fingerprint_addon({}) == training_fingerprint()
