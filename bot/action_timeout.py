"""A short time limit for calls to the action server (Rasa 3.6 waits five minutes).

A hung action server (alive, not answering) held a turn for Rasa's DEFAULT_REQUEST_TIMEOUT of 300 s:
the REST caller met Sanic's 60 s response timeout with no reply at all, a socket.io caller waited
five minutes, and no emergency advice reached anyone. With each call given up after
ACTION_TIMEOUT_SECONDS (default 5; an action normally answers in tens of milliseconds), Rasa logs
the failure and ends the turn without a reply, and the channel guard answers it (the emergency
advice when due). Installed by the `ActionTimeout` graph component of config.yml when Rasa loads the
model, so in the Rasa server process only (never in the action server).
"""

from typing import Any, Dict, List, Text

from rasa.core.actions import action as rasa_action
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from bot.settings import action_timeout_seconds


def action_timeout() -> float:
    return action_timeout_seconds()


def install() -> None:
    """Rasa's RemoteAction reads this module-level value at each call (rasa/core/actions/action.py;
    tests/bot/test_rasa_private_apis.py fails if it stops doing so)."""
    rasa_action.DEFAULT_REQUEST_TIMEOUT = action_timeout()


# A pass-through step of the NLU pipeline, registered like bot.rasa_speedups.RasaSpeedups (see there):
# created when the model loads, left out of training.
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ActionTimeout(GraphComponent):
    """Installs the time limit when Rasa loads the model; messages pass through unchanged."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ActionTimeout":
        install()
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        return messages
