"""Rasa's LogisticRegressionClassifier, but a message without features does not crash the turn,
and the fitted model is stored with joblib instead of skops.

Rasa 3.6's classifier raises "Found array with 0 feature(s)" for a message that yields no
features at all (an empty or whitespace-only text), which makes the whole NLU step fail and the
person get no reply (found by tests/e2e/test_fuzz.py). Such a message gets no intent with
confidence 0 here, so the FallbackClassifier turns it into `nlu_fallback` and the bot says it did
not understand.

Storage: Rasa 3.6 stores this model with skops, whose first import scans every loaded module for
each of several hundred numpy and scipy functions; after TensorFlow (which Rasa imports first)
that took 5.4 s of every Rasa start on this machine (1.2 s in a bare interpreter), measured with
cProfile in `Agent.load`. joblib is what the learned red-flag layer already uses in the same model
archive, which the project's own training writes: skops' check of untrusted types protects
nothing here that the archive's other file does not already expose.
"""

from typing import Any, Dict, List, Text

import joblib
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
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

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            joblib.dump(self.clf, model_dir / f"{self._resource.name}.joblib")

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SafeLogisticRegressionClassifier":
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                component.clf = joblib.load(model_dir / f"{resource.name}.joblib")
        except (ValueError, FileNotFoundError):
            pass  # nothing trained yet: an untrained component, as Rasa's own load gives
        return component
