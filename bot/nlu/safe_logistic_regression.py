"""Rasa's LogisticRegressionClassifier, but a message without features does not crash the turn.

Rasa 3.6's classifier raises "Found array with 0 feature(s)" for a message that yields no
features at all (an empty or whitespace-only text), which makes the whole NLU step fail and the
person get no reply (found by tests/e2e/test_fuzz.py). Such a message gets no intent with
confidence 0 here, so the FallbackClassifier turns it into `nlu_fallback` and the bot says it did
not understand.
"""

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    def process(self, messages: List[Message]) -> List[Message]:
        # Rasa's private `_create_X` builds the very matrix its `process` predicts from (sparse and
        # dense sentence features stacked); no public method tells whether a message has any, and
        # rebuilding it here could drift from Rasa's. tests/bot/test_rasa_private_apis.py checks it.
        featured = [m for m in messages if self._create_X([m]).shape[1] > 0]
        for message in messages:
            if message not in featured:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        if featured:
            super().process(featured)
        return messages
