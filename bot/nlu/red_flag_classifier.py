"""Rasa NLU component: the learned, recall-oriented red-flag layer beside the lexicon.

Runs after SymptomExtractor. When the lexicon's findings of this message are not already an
emergency, it scores each sentence (negated, hypothetical and historical mentions masked out, see
bot/nlp/red_flag_model.py); at or above the calibrated threshold it adds one present
`possible_red_flag` symptom entity carrying the score, so the RedFlagRouter, the triage engine and
the actions' safety net raise the level as for any red flag. It can only add a finding: it never
removes or lowers anything the lexicon found.

Trainable: `rasa train` fits it from bot/knowledge/red_flag_examples.yml and
data/real_language/dev.yml and stores the fitted model inside the Rasa model; a change to either
file, or to the threshold file, retrains it (`fingerprint_addon`).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.tokens import Doc

from bot.nlp.red_flag_model import (
    RedFlagModel,
    load_settings,
    training_examples,
    training_fingerprint,
)
from bot.nlu.entities import finding_to_entity
from bot.nlu.red_flag_router import POSSIBLE_RED_FLAG, is_emergency_alone
from bot.types import Finding

logger = logging.getLogger(__name__)

SYMPTOM_ID = POSSIBLE_RED_FLAG


def learned_finding(model: RedFlagModel, doc: Doc, threshold: float) -> Optional[Finding]:
    """The `possible_red_flag` finding for this doc, if its best part scores at or above `threshold`."""
    score, part = model.best(doc)
    if part is None or score < threshold:
        return None
    return Finding(
        kind="symptom",
        id=SYMPTOM_ID,
        text=doc.text[part.start : part.end],
        start=part.start,
        end=part.end,
        assertion="present",
        uncertain=True,
        experiencer="patient",
        score=round(score, 3),
    )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class RedFlagClassifier(GraphComponent, EntityExtractorMixin):
    """Adds a present `possible_red_flag` finding when a message reads like an emergency the lexicon missed."""

    def __init__(self, model_storage: ModelStorage, resource: Resource, model: Optional[RedFlagModel]) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        self._threshold = load_settings().threshold

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @staticmethod
    def required_components() -> List[type]:
        # Not SymptomExtractor: it is not trainable, so Rasa leaves it out of the training graph
        # and would report it missing. config.yml places this component after it.
        from rasa.nlu.utils.spacy_utils import SpacyNLP

        return [SpacyNLP]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "spacy"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        return training_fingerprint()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagClassifier:
        return cls(model_storage, resource, None)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> RedFlagClassifier:
        with model_storage.read_from(resource) as folder:
            return cls(model_storage, resource, RedFlagModel.load(folder))

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on the project's own example files (Rasa's intent examples are not used)."""
        from bot.nlp.pipeline import build_pipeline

        examples = training_examples()
        self._model = RedFlagModel.fit_examples(examples, build_pipeline())
        with self._model_storage.write_to(self._resource) as folder:
            self._model.save(folder)
        logger.info("red-flag layer trained on %d examples", len(examples))
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            entities = message.get(ENTITIES, [])
            if doc is None or is_emergency_alone(entities):
                continue
            finding = learned_finding(self._model, doc, self._threshold)
            if finding is not None:
                entity = finding_to_entity(finding)
                message.set(ENTITIES, entities + self.add_extractor_name([entity]), add_to_output=True)
        return messages
