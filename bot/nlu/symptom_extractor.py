"""Rasa NLU component: catalogue findings from the spaCy Doc become `symptom`/`route`/`event` entities.

The Doc comes from Rasa's SpacyNLP, which runs the project's pipeline (bot/nlp): the catalogue
matcher and medspaCy ConText. Each entity carries its context as the Rasa `role`
(present | negated | hypothetical | historical), so slot mappings can ask for `role: present`,
plus `experiencer` (patient | other) and `uncertain` for display.
"""

from typing import Any, Dict, List, Text

import medspacy  # noqa: F401  (spacy.load of our pipeline needs medspaCy's factories registered)
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

import bot.nlp  # noqa: F401  (registers our spaCy factories before SpacyNLP loads the pipeline)
from bot.nlp.findings import extract_findings
from bot.nlu.entities import finding_to_entity


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class SymptomExtractor(GraphComponent, EntityExtractorMixin):
    """Deterministic, rule-based extraction: no training, same output for the same text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @staticmethod
    def required_components() -> List[type]:
        from rasa.nlu.utils.spacy_utils import SpacyNLP

        return [SpacyNLP]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy", "medspacy"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SymptomExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Add one entity per finding; messages without a Doc (empty text) get none."""
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            entities = [finding_to_entity(f) for f in extract_findings(doc)]
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(entities), add_to_output=True)
        return messages
