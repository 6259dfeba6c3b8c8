"""Rasa NLU component: the extractor's findings correct the intent where it matters for safety.

- A message that on its own is an emergency (a red flag such as "seeing bugs", or a combination
  such as "took a whole strip and can't stay awake", "pump user, legs locked rigid") gets the
  intent `red_flag`, whatever the classifier said, so the emergency rules answer in that turn.
- A message that reports present symptoms, or what happened with the medicine, is a
  `report_symptoms` when the classifier heard something else (a question, a "no", an
  apology-worthy fallback), unless it is phrased as a question: "baclofen is making me
  constipated" is a report even though it resembles "what are the side effects?".
- A message probably not in English that names a red flag in one of the other languages ("tengo
  fiebre y estoy confundido", "mi esposo no respira") gets a present `possible_red_flag` finding
  (`suicidal` for thoughts of suicide) and the intent `red_flag`: the emergency advice, with a line
  in that language (bot/language.py, other_languages.yml), also beside English words it holds.
- Any other message clearly in another language in which the lexicon found nothing is
  `nlu_fallback`, whatever the classifier guessed ("je ne comprends pas" was `out_of_scope`): the
  fallback tells the person, in their language, which signs need the emergency number now.
- A message the classifier did not understand that names a route ("im on a baclofen pump") is
  `inform_route`: the fallback would forget the turn, and the pump with it.
- A `help_arrived` ("the paramedics are here") below HELP_CONFIDENCE with nothing found in it is
  `nlu_fallback`: "I take 25mg four times a day, is that the maximum?" (0.6) was answered "if you
  have called for help, do what they tell you" (collision probe of the running bot, 2026-12-01).

Placed last in the pipeline (after the FallbackClassifier). The classifier's own ranking is kept
in `intent_ranking`.
"""

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language import fold, likely_other_language, other_language, red_flag_words, suicidal_words
from bot.language import load as load_language_identifier
from bot.names import Entity, Intent
from bot.nlu.entities import finding_to_entity, findings_from_entities
from bot.nlu.thresholds import HELP_CONFIDENCE
from bot.triage import assess, situation_from_turns
from bot.types import Finding

# The learned layer's finding, also given to red-flag words read in another language.
POSSIBLE_RED_FLAG = "possible_red_flag"
# Intents that already start or feed the assessment, or must never be overridden.
KEEP = (Intent.RED_FLAG, Intent.REPORT_SYMPTOMS, Intent.INFORM_ROUTE, Intent.INFORM_SITUATION, Intent.RESTART)
QUESTION_START = re.compile(
    r"^\s*(what|whats|what's|how|why|when|is|are|can|could|does|do|should|will|would|which|who)\b",
    re.IGNORECASE,
)


def is_emergency_alone(entities: List[Dict[Text, Any]]) -> bool:
    """Whether the findings of this one message already make an emergency."""
    findings = findings_from_entities(entities)
    if not any(f["assertion"] == "present" for f in findings):
        return False
    return assess(situation_from_turns([findings])).is_emergency


def mentions_present(entities: List[Dict[Text, Any]], *kinds: Text) -> bool:
    """Whether a present finding of one of these kinds was mentioned."""
    return any(f["kind"] in kinds and f["assertion"] == "present" for f in findings_from_entities(entities))


def reports_something(entities: List[Dict[Text, Any]]) -> bool:
    """A present symptom or event (not just a route) was mentioned."""
    return mentions_present(entities, Entity.SYMPTOM, Entity.EVENT)


def red_flag_words_not_read(text: Text, entities: List[Dict[Text, Any]]) -> List[Text]:
    """Red-flag words of another language in a message that is probably not English, leaving out
    those inside what the English lexicon already read ("seizure? no. confusion? no." is named
    German, and "confus" is a French word start)."""
    read = [fold(str(e.get("text") or "")) for e in entities]
    found = [w for w in red_flag_words(text) if not any(w in r for r in read)]
    # The words first (a regular expression), the language identifier only when some are found: run
    # on every message it halved the NLU path's throughput (quick benchmark, 288 msg/s, 2026-12-01).
    return found if found and likely_other_language(text) else []


def red_flag_in_another_language(text: Text, words: List[Text]) -> Dict[Text, Any]:
    """A present finding for red-flag words read in another language: `suicidal` (with its crisis
    line) for thoughts of suicide, `possible_red_flag` for the others."""
    finding = Finding(
        kind=Entity.SYMPTOM,
        id="suicidal" if suicidal_words(text) else POSSIBLE_RED_FLAG,
        text=", ".join(words),
        start=0,
        end=len(text),
        assertion="present",
        uncertain=True,
        experiencer="patient",
    )
    return {**finding_to_entity(finding), "extractor": "RedFlagRouter"}


def looks_like_question(text: Text) -> bool:
    return bool(QUESTION_START.match(text or ""))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagRouter(GraphComponent):
    """Overrides the intent from the extracted findings (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagRouter":
        load_language_identifier()  # 1 to 2 s at start-up rather than in someone's first turn
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES, [])
            predicted = (message.get(INTENT) or {}).get("name")
            confidence = float((message.get(INTENT) or {}).get("confidence") or 0.0)
            if is_emergency_alone(entities):
                self._override(message, Intent.RED_FLAG)
            elif found := red_flag_words_not_read(message.get(TEXT) or "", entities):
                message.set(
                    ENTITIES,
                    [*entities, red_flag_in_another_language(message.get(TEXT) or "", found)],
                    add_to_output=True,
                )
                self._override(message, Intent.RED_FLAG)
            elif predicted not in KEEP and reports_something(entities) and not looks_like_question(message.get(TEXT)):
                self._override(message, Intent.REPORT_SYMPTOMS)
            elif predicted != Intent.NLU_FALLBACK and not entities and other_language(message.get(TEXT) or ""):
                self._override(message, Intent.NLU_FALLBACK)
            elif predicted == Intent.HELP_ARRIVED and not entities and confidence < HELP_CONFIDENCE:
                self._override(message, Intent.NLU_FALLBACK)
            elif predicted == Intent.NLU_FALLBACK and mentions_present(entities, Entity.ROUTE):
                # "im on a baclofen pump": not understood, and the turn forgotten with the pump in it
                self._override(message, Intent.INFORM_ROUTE)
        return messages

    @staticmethod
    def _override(message: Message, intent: Text) -> None:
        override = {"name": intent, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != intent]
        message.set(INTENT, override, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [override, *ranking], add_to_output=True)
