"""`python -m bench.breakdown`: where one turn's time goes, inside the Rasa process.

`python -m bench` measures turns from outside, over HTTP. When our latency is higher than stock,
this says why: it loads a model in this process the way `rasa run` does (`load_agent` with an
endpoints file), runs the scripted conversations one at a time through `Agent.handle_message`
(no HTTP channel), and times every graph node (each NLU component and policy), the action server
round trips (`RemoteAction.run`) and the tracker store (fetch and save). Wall-clock timers, means
per turn. Our action server is started on a free port and stopped by its PID.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import os
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from bench import conversations, servers
from bench.load import Conversation
from bot import harness

TIMES: Dict[str, float] = defaultdict(float)
CALLS: Dict[str, int] = defaultdict(int)


def _timed_async(name: Callable[..., str], function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await function(*args, **kwargs)
        finally:
            TIMES[name(*args)] += time.perf_counter() - start
            CALLS[name(*args)] += 1

    return wrapper


def _timed(name: Callable[..., str], function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            TIMES[name(*args)] += time.perf_counter() - start
            CALLS[name(*args)] += 1

    return wrapper


def quiet_like_the_server() -> None:
    """WARNING-level logging, as `rasa run --quiet` (the bench's servers): debug logs cost time."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING, warn_only_once=True, filter_repeated_logs=True)
    configure_structlog(logging.WARNING)


def reuse_one_validator() -> None:
    """What-if: Rasa 3.6's RemoteAction checks each response with `jsonschema.validate`, which
    first re-checks the (constant) schema itself; one prebuilt validator does the same check."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)

    def validate(self: Any, result: Dict[str, Any]) -> bool:
        validator.validate(result)
        return True

    RemoteAction._validate_action_result = validate


def instrument() -> None:
    """Wrap the parts of Rasa a turn passes through with timers (this process only)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor
    from rasa.engine.graph import GraphNode
    from rasa.utils.endpoints import EndpointConfig

    GraphNode.__call__ = _timed(lambda node, *_: f"node {node._node_name}", GraphNode.__call__)
    MessageProcessor.parse_message = _timed_async(lambda *_: "nlu (parse_message)", MessageProcessor.parse_message)
    MessageProcessor._predict_next_with_tracker = _timed(
        lambda *_: "policies (predict next action)", MessageProcessor._predict_next_with_tracker
    )
    RemoteAction.run = _timed_async(lambda action, *_: f"remote action {action.name()} (all)", RemoteAction.run)
    # Inside a remote action: building the request (whole tracker, and the whole domain unless
    # the endpoint sets enable_selective_domain), the HTTP exchange itself (action server time
    # included), and the jsonschema check of the response.
    RemoteAction._action_call_format = _timed(
        lambda *_: "  remote: build request (tracker + domain)", RemoteAction._action_call_format
    )
    EndpointConfig.request = _timed_async(lambda *_: "  remote: HTTP exchange + action server", EndpointConfig.request)
    RemoteAction._validate_action_result = _timed(
        lambda *_: "  remote: jsonschema check of the response", RemoteAction._validate_action_result
    )
    MessageProcessor.fetch_tracker_and_update_session = _timed_async(
        lambda *_: "tracker store fetch", MessageProcessor.fetch_tracker_and_update_session
    )
    MessageProcessor.save_tracker = _timed_async(lambda *_: "tracker store save", MessageProcessor.save_tracker)
    Agent.handle_message = _timed_async(lambda *_: "TOTAL (Agent.handle_message)", Agent.handle_message)


async def run_turns(agent: Any, scripts: Sequence[Conversation], rounds: int) -> int:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    turns = 0
    for _ in range(rounds):
        for conversation in scripts:
            sender = f"breakdown-{uuid.uuid4().hex[:8]}"
            for turn in conversation:
                await agent.handle_message(UserMessage(turn.text, CollectingOutputChannel(), sender))
                turns += 1
    return turns


async def measure(model: Path, endpoints: Path, scripts: Sequence[Conversation], rounds: int) -> None:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    agent = await load_agent(model_path=str(model), endpoints=AvailableEndpoints.read_endpoints(str(endpoints)))
    await run_turns(agent, scripts, 1)  # warm-up, not counted
    TIMES.clear()
    CALLS.clear()
    turns = await run_turns(agent, scripts, rounds)
    remote = sum(t for name, t in TIMES.items() if name.startswith("remote action"))
    if remote:
        TIMES["action server round trips (all remote actions)"] = remote
        CALLS["action server round trips (all remote actions)"] = sum(
            c for name, c in CALLS.items() if name.startswith("remote action")
        )
    print(f"  {turns} turns; mean ms per turn, calls per turn:")
    for name, seconds in sorted(TIMES.items(), key=lambda item: -item[1]):
        if seconds * 1000 / turns >= 0.05:
            print(f"    {seconds * 1000 / turns:8.2f}  {CALLS[name] / turns:5.2f}  {name}")


def start_actions() -> harness.Servers:
    """Our action server alone, as `make run` starts it (the Rasa part runs in this process);
    its log is build/bench-cache/logs/breakdown-actions.log."""
    env = {**os.environ, **servers.BASE_ENV, "PYTHONPATH": str(servers.ROOT), "BOT_REGION": "us"}
    actions = harness.Servers("breakdown", env, servers.LOGS, cwd=servers.ROOT, actions_options=["--quiet"], every=0.3)
    try:
        actions.start_actions()
    except RuntimeError:
        actions.stop()
        raise
    return actions


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.breakdown", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=servers.OUR_MODEL)
    parser.add_argument("--stock-model", type=Path, help="default: the model cached by `python -m bench`")
    parser.add_argument("--rounds", type=int, default=10, help="times each conversation is run (after warm-up)")
    parser.add_argument(
        "--what-if-one-validator",
        action="store_true",
        help="patch (in this process only) Rasa's check of action server responses to reuse one validator",
    )
    args = parser.parse_args(argv)
    os.chdir(servers.ROOT)  # config.yml's spaCy path is relative to the repository
    sys.path.insert(0, str(servers.ROOT))
    quiet_like_the_server()
    if args.what_if_one_validator:
        print("what-if: RemoteAction._validate_action_result reuses one prebuilt jsonschema validator")
        reuse_one_validator()
    instrument()
    actions = start_actions()
    with tempfile.TemporaryDirectory(prefix="bench-breakdown-") as name:
        run_all(Path(name), args.model, args.stock_model, args.rounds, actions)
    return 0


def run_all(work: Path, model: Path, stock_model: Optional[Path], rounds: int, actions: harness.Servers) -> None:
    """Ours with each tracker store (our action server), then stock (no action server)."""
    try:
        for tracker in ("sqlite", "memory"):
            endpoints = work / f"ours-{tracker}.yml"
            text = harness.action_endpoint(actions.actions_port)
            if tracker == "sqlite":
                text += harness.sqlite_store(work / "conversations.db")
            endpoints.write_text(text)
            print(f"ours, tracker store {tracker} ({model}):")
            asyncio.run(measure(model, endpoints, conversations.OURS, rounds))
    finally:
        actions.stop()
    stock_model = stock_model or servers.cached_stock_model()
    if stock_model is not None:
        endpoints = work / "stock.yml"
        endpoints.write_text("")
        print(f"stock ({stock_model}):")
        asyncio.run(measure(stock_model, endpoints, conversations.STOCK, rounds))
    else:
        print("stock: no model (run `python -m bench` once, or pass --stock-model)")


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
