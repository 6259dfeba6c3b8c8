"""Two speed fixes for Rasa 3.6, installed by the `RasaSpeedups` graph component of config.yml.

`RasaSpeedups` is the first component of the NLU pipeline. It changes no message: when Rasa loads
the model (`rasa run`, `rasa shell`, `rasa test`, `Agent.load`) it creates the component, which
installs the two fixes below in that process, for the whole process. It is named in config.yml,
rather than installed from inside another component, so that whoever reads the pipeline sees that
loading this model changes how Rasa calls the action server.

1. Rasa checks every action-server reply with `jsonschema.validate(reply, schema)`, which checks
   the (fixed) schema itself again on every call: about 25 ms of CPU per action call on these
   machines, the largest part of a turn (`python -m bench.breakdown`; issue #9). The replacement
   checks replies against the same schema with one validator built once, raising the same
   ValidationError with the same message, so behaviour is unchanged.
2. `EndpointConfig.session()` makes a new aiohttp session, with its own connection pool, for every
   request, so every action call opened (and the action server accepted) a new TCP connection:
   CPU in both processes on every call, and under overload queued connections the action server
   timed out. Here every session of one event loop shares one connection pool, which keeps
   connections open between calls. Sessions are still made and closed per request as Rasa does;
   only the pool outlives them (aiohttp's `connector_owner=False`). Idle connections are closed by
   this side after `POOL_KEEPALIVE_S`, before Sanic's default 5 s keep-alive would close them from
   the action server's side, so a request never goes out on a connection the server is closing.
"""

import asyncio
import atexit
from functools import lru_cache
from typing import Any, Dict, Optional, Text

import aiohttp
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DOCS_BASE_URL
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

from bot.nlu.patch_component import PatchComponent

# Private in Rasa (leading underscore), but it is the one place RemoteAction.run checks a reply, and
# no public hook replaces the check: replaced in install(), kept here for uninstall().
# tests/bot/test_rasa_private_apis.py fails if Rasa renames it or changes its signature.
_ORIGINAL = RemoteAction._validate_action_result
_ORIGINAL_SESSION = EndpointConfig.session
POOL_KEEPALIVE_S = 4.0
POOL_LIMIT = 100  # aiohttp's default for one session: at most this many connections at once
# One pool per event loop. A pool refers to its loop, so pools of closed loops (tests run many)
# are dropped whenever a new pool is made, instead of keeping those loops alive.
_POOLS: Dict[asyncio.AbstractEventLoop, aiohttp.TCPConnector] = {}


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def shared_pool(loop: Optional[asyncio.AbstractEventLoop] = None) -> aiohttp.TCPConnector:
    """The connection pool of this event loop (a new one if the last one was closed)."""
    loop = loop or asyncio.get_running_loop()
    pool = _POOLS.get(loop)
    if pool is None or pool.closed:
        for old in [other for other in _POOLS if other.is_closed()]:
            # aiohttp's private, synchronous close: the public close() returns an awaitable that warns
            # unless awaited, and this pool's loop is closed (checked in test_rasa_private_apis.py).
            _POOLS.pop(old)._close()
        pool = aiohttp.TCPConnector(limit=POOL_LIMIT, keepalive_timeout=POOL_KEEPALIVE_S)
        _POOLS[loop] = pool
    return pool


def _session(self: EndpointConfig) -> aiohttp.ClientSession:
    """Rasa's session (same headers, auth, timeout) on the loop's shared connection pool."""
    auth = None
    if self.basic_auth:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=self.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=shared_pool(),
        connector_owner=False,
    )


@atexit.register
def _forget_pools() -> None:
    """Mark the pools closed at exit (their loop is gone by then), so aiohttp does not log
    "Unclosed connector" as an error while the process stops."""
    for pool in list(_POOLS.values()):
        pool._close()  # synchronous, as above: no event loop runs at exit
    _POOLS.clear()


def install() -> None:
    """Replace the check and the session factory (idempotent)."""
    RemoteAction._validate_action_result = _validate_action_result
    EndpointConfig.session = _session


def uninstall() -> None:
    RemoteAction._validate_action_result = _ORIGINAL
    EndpointConfig.session = _ORIGINAL_SESSION


def installed() -> bool:
    """Whether this process runs with the two fixes."""
    return RemoteAction._validate_action_result is _validate_action_result and EndpointConfig.session is _session


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RasaSpeedups(PatchComponent):
    """Installs this module's fixes when Rasa loads the model (see the module docstring and
    bot/nlu/patch_component.py)."""

    patch = staticmethod(install)
