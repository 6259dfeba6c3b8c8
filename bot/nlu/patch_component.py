"""A pass-through step of the NLU pipeline that installs a process-wide patch when Rasa loads the model.

Why a pipeline step: a patch of Rasa's own code (bot/rasa_speedups.py, bot/action_timeout.py) must
be installed in the Rasa process before the first turn, under `rasa run`, `rasa shell`, `rasa test`
and `Agent.load` alike, and a reader should see it where the model is described (config.yml) rather
than as a side effect of another component. Subclasses are registered as non-trainable intent
classifiers only for their place in Rasa's default recipe: such a component is left out of the
training graph and created (eagerly) in the prediction graph when the model loads. It classifies
nothing: messages pass through unchanged.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message


class PatchComponent(GraphComponent):
    """Calls `patch` once when Rasa creates the component; `process` changes no message."""

    patch: ClassVar[Callable[[], None]]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PatchComponent:
        cls.patch()
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        return messages
