"""The private APIs of Rasa (and of the libraries Rasa pins) that the project uses, and what it relies on.

Nothing promises that these stay as they are: an upgrade may rename one, change its parameters or
stop calling it, and our code would then fail at run time or, worse, silently do nothing. Each test
names the file that uses the API (whose comment says why the private one is used) and fails here
instead. When upgrading Rasa, re-read every use listed below, adjust the code, then these
expectations, then the version in the first test.

Public Rasa methods the project replaces are checked too: `RemoteAction.run`'s reads of the reply
check and the time limit, `EndpointConfig.session` here; `MessageProcessor.handle_reminder` and
`trigger_external_user_uttered` in tests/bot/checkins/test_delivery.py.
"""

import inspect
from typing import Any, Callable, List

import pytest

RASA_SERIES = "3.6."


def test_rasa_is_the_version_these_checks_were_written_for():
    import rasa

    assert rasa.__version__.startswith(RASA_SERIES), (
        f"Rasa {rasa.__version__} is installed, but the project's uses of Rasa's private APIs were checked "
        f"against Rasa {RASA_SERIES}x. Re-check each use listed in tests/bot/test_rasa_private_apis.py (and the "
        "replaced methods in tests/bot/checkins/test_delivery.py) against the new version, then change RASA_SERIES."
    )


def _create_x() -> Any:
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    return LogisticRegressionClassifier._create_X


def _send_message() -> Any:
    from rasa.core.channels.socketio import SocketIOOutput

    return SocketIOOutput._send_message


def _cors_headers() -> Any:
    from engineio import AsyncServer

    return AsyncServer._cors_headers


def _validate_action_result() -> Any:
    # Taken from bot.rasa_speedups, which kept Rasa's own before replacing it (it may be installed now).
    from bot import rasa_speedups

    assert rasa_speedups._ORIGINAL.__module__ == "rasa.core.actions.action"
    return rasa_speedups._ORIGINAL


def _connector_close() -> Any:
    from aiohttp import TCPConnector

    return TCPConnector._close


def _acquire_lock() -> Any:
    from rasa.core.lock_store import RedisLockStore

    return RedisLockStore._acquire_lock


# (where it is used, the API, its parameters as the code calls them, whether it is a coroutine function)
PRIVATE_METHODS = [
    ("bot/nlu/safe_logistic_regression.py", _create_x, ["self", "messages"], False),
    ("bot/channels/webchat.py", _send_message, ["self", "socket_id", "response"], True),
    ("bot/channels/webchat.py", _cors_headers, ["self", "environ"], False),
    ("bot/rasa_speedups.py", _validate_action_result, ["self", "result"], False),
    ("bot/rasa_speedups.py", _connector_close, ["self"], False),
    ("bot/stores/redis_lock.py", _acquire_lock, ["self", "conversation_id", "ticket", "wait_time_in_seconds"], True),
]


@pytest.mark.parametrize(
    "used_in, get, parameters, is_async",
    PRIVATE_METHODS,
    ids=[f"{used_in}:{get.__name__.lstrip('_')}" for used_in, get, _, _ in PRIVATE_METHODS],
)
def test_a_private_method_we_call_or_replace_is_still_there_with_its_signature(
    used_in: str, get: Callable[[], Any], parameters: List[str], is_async: bool
):
    try:
        method = get()
    except AttributeError as error:
        pytest.fail(f"{used_in} uses a private API that is gone: {error}")
    assert callable(method), f"{used_in}: {method!r} is no longer callable"
    assert list(inspect.signature(method).parameters) == parameters, (
        f"{used_in} calls {method.__qualname__}{tuple(parameters[1:])}, "
        f"but it is now {method.__qualname__}{inspect.signature(method)}"
    )
    assert (
        inspect.iscoroutinefunction(method) == is_async
    ), f"{used_in}: {method.__qualname__} {'is no longer' if is_async else 'is now'} a coroutine function"


def test_create_x_still_gives_a_message_without_features_no_columns():
    """SafeLogisticRegressionClassifier keeps such messages away from scikit-learn by this width."""
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    assert _create_x()(None, [Message(data={TEXT: ""})]).shape[1] == 0


def test_socketio_output_still_sends_everything_through_send_message():
    from rasa.core.channels.socketio import SocketIOOutput

    assert "self._send_message(" in inspect.getsource(SocketIOOutput.send_text_message)


def test_engineio_still_takes_its_cors_headers_from_the_replaced_method():
    """Else webchat.py's replacement would do nothing and browsers would see the header twice again."""
    from engineio import AsyncServer

    assert "self._cors_headers(environ)" in inspect.getsource(AsyncServer)


def test_remote_action_still_checks_replies_and_reads_the_time_limit_where_we_replace_them():
    """bot/rasa_speedups.py replaces the reply check; bot/action_timeout.py sets the module's limit."""
    from rasa.core.actions import action as rasa_action
    from rasa.core.actions.action import RemoteAction

    run = inspect.getsource(RemoteAction.run)
    assert "self._validate_action_result(" in run
    assert "timeout=DEFAULT_REQUEST_TIMEOUT" in run, "RemoteAction.run no longer reads the module's time limit"
    assert isinstance(rasa_action.DEFAULT_REQUEST_TIMEOUT, int | float)
    assert isinstance(RemoteAction.action_response_format_spec(), dict)  # the schema the speedup validates with


def test_endpoint_config_still_makes_a_session_per_request_through_session():
    """bot/rasa_speedups.py replaces `EndpointConfig.session` (public) and reads these attributes."""
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    assert list(inspect.signature(EndpointConfig.session).parameters) == ["self"]
    assert "self.session()" in inspect.getsource(EndpointConfig.request)
    endpoint = EndpointConfig("http://localhost", headers={"a": "b"}, basic_auth={"username": "u", "password": "p"})
    assert endpoint.headers == {"a": "b"} and endpoint.basic_auth["username"] == "u"
    assert isinstance(DEFAULT_REQUEST_TIMEOUT, int | float)


def test_rasas_tracker_store_wrappers_still_hold_the_store_in_tracker_store():
    """bot/checkins/delivery.py, bot/channels/health.py, bot/cli/forget.py and bot/cli/transcripts.py
    unwrap the configured store through the private `_tracker_store`."""
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    inner = InMemoryTrackerStore(Domain.empty())
    assert FailSafeTrackerStore(inner)._tracker_store is inner
    assert AwaitableTrackerStore(inner)._tracker_store is inner
    agent_store = Agent(domain=Domain.empty(), tracker_store=inner).tracker_store
    assert isinstance(agent_store, FailSafeTrackerStore) and agent_store._tracker_store is inner


def test_apscheduler_still_fills_job_defaults_from_job_defaults():
    """bot/checkins/delivery.py (`allow_late_jobs`) changes the private `_job_defaults` of Rasa's scheduler;
    tests/bot/checkins/test_delivery.py checks a late job then runs."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.schedulers.base import BaseScheduler

    defaults = AsyncIOScheduler()._job_defaults
    assert isinstance(defaults, dict) and "misfire_grace_time" in defaults
    assert "self._job_defaults" in inspect.getsource(BaseScheduler._real_add_job)
