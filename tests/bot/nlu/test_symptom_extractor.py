from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.entities import entity_to_finding, finding_to_entity
from bot.nlu.symptom_extractor import SymptomExtractor


def message_for(nlp, text):
    message = Message(data={TEXT: text})
    message.set(SPACY_DOCS[TEXT], nlp(text.lower()))
    return message


def test_findings_become_entities_with_context_as_role(nlp):
    (message,) = SymptomExtractor().process([message_for(nlp, "no fever but my husband is confused")])
    entities = {e["value"]: e for e in message.get(ENTITIES)}
    assert entities["fever"]["role"] == "negated"
    assert entities["confusion"]["role"] == "present"
    assert entities["confusion"]["experiencer"] == "other"
    assert all(e["entity"] == "symptom" and e["extractor"] == "SymptomExtractor" for e in entities.values())


def test_a_message_without_a_doc_is_left_alone():
    message = Message(data={TEXT: ""})
    (out,) = SymptomExtractor().process([message])
    assert out.get(ENTITIES) in (None, [])


def test_entity_round_trip(nlp):
    (message,) = SymptomExtractor().process([message_for(nlp, "stopped suddenly, seeing things")])
    for entity in message.get(ENTITIES):
        assert finding_to_entity(entity_to_finding(entity))["value"] == entity["value"]


def test_other_extractors_entities_are_ignored():
    assert entity_to_finding({"entity": "symptom", "value": "fever", "extractor": "DIETClassifier"}) is None


def test_loading_it_changes_nothing_outside_it(monkeypatch):
    """Effects on Rasa itself are config.yml's own components (bot.rasa_speedups, bot.action_timeout)."""
    from rasa.core.actions import action as rasa_action
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", 300)
    before = (RemoteAction._validate_action_result, EndpointConfig.session)
    SymptomExtractor.create({}, None, None, None)  # type: ignore[arg-type]
    assert (RemoteAction._validate_action_result, EndpointConfig.session) == before
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 300
