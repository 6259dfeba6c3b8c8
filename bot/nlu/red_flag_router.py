"""Rasa NLU component: the extractor's findings correct the intent where it matters for safety.

- A present red flag sets the intent to `red_flag`, whatever the classifier said.
- Present symptoms in a message the classifier did not understand (`nlu_fallback`) or thought
  off-topic make it a `report_symptoms`, so the assessment starts instead of an apology.

Placed last in the pipeline (after the FallbackClassifier). The classifier's own ranking is
kept in `intent_ranking`.
"""

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.knowledge import load_catalogue

RED_FLAG_INTENT = "red_flag"
SYMPTOM_INTENT = "report_symptoms"
# Predictions a present symptom overrides: "not understood" or "off-topic" cannot be right.
OVERRIDABLE = ("nlu_fallback", "out_of_scope")


def present_symptoms_in(entities: List[Dict[Text, Any]]) -> List[Text]:
    return [e["value"] for e in entities if e.get("entity") == "symptom" and e.get("role") == "present"]


def red_flags_in(entities: List[Dict[Text, Any]]) -> List[Text]:
    """Ids of red-flag symptoms reported as present (caregivers' reports included)."""
    catalogue = load_catalogue()
    return [
        e["value"]
        for e in entities
        if e.get("entity") == "symptom"
        and e.get("role") == "present"
        and e.get("value") in catalogue.symptoms
        and catalogue.symptoms[e["value"]].red_flag
    ]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagRouter(GraphComponent):
    """Overrides the intent from the extracted findings (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent": RED_FLAG_INTENT}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagRouter":
        return cls(config["intent"])

    def __init__(self, intent: Text = RED_FLAG_INTENT) -> None:
        self._intent = intent

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES, [])
            predicted = (message.get(INTENT) or {}).get("name")
            if red_flags_in(entities):
                self._override(message, self._intent)
            elif predicted in OVERRIDABLE and present_symptoms_in(entities):
                self._override(message, SYMPTOM_INTENT)
        return messages

    @staticmethod
    def _override(message: Message, intent: Text) -> None:
        override = {"name": intent, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != intent]
        message.set(INTENT, override, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [override, *ranking], add_to_output=True)
