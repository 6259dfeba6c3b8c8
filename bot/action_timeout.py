"""A short time limit for calls to the action server (Rasa 3.6 waits five minutes).

A hung action server (alive, not answering) held a turn for Rasa's DEFAULT_REQUEST_TIMEOUT of 300 s:
the REST caller met Sanic's 60 s response timeout with no reply at all, a socket.io caller waited
five minutes, and no emergency advice reached anyone. With each call given up after
ACTION_TIMEOUT_SECONDS (default 5; an action normally answers in tens of milliseconds), Rasa logs
the failure and ends the turn without a reply, and the channel guard answers it (the emergency
advice when due). Installed by the `ActionTimeout` graph component of config.yml when Rasa loads the
model, so in the Rasa server process only (never in the action server).
"""

from rasa.core.actions import action as rasa_action
from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.nlu.patch_component import PatchComponent
from bot.settings import action_timeout_seconds


def action_timeout() -> float:
    return action_timeout_seconds()


def install() -> None:
    """Rasa's RemoteAction reads this module-level value at each call (rasa/core/actions/action.py;
    tests/bot/test_rasa_private_apis.py fails if it stops doing so)."""
    rasa_action.DEFAULT_REQUEST_TIMEOUT = action_timeout()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ActionTimeout(PatchComponent):
    """Installs the time limit when Rasa loads the model (see bot/nlu/patch_component.py)."""

    patch = staticmethod(install)
