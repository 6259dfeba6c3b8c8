"""The bot a scenario is played against: a running server, or the trained model in this process.

Both answer the same three calls, so the runner plays a scenario the same way on either:
- `send(sender, text)`: the replies to one message, as the REST channel returns them;
- `advance(sender, hours)`: let time pass; the messages of the check-ins due by then;
- `understood(sender)`: what the bot itself stored for the latest message (its findings and
  intent, read from the conversation), or None when the conversation cannot be read.

`RemoteBot` talks to a running server over HTTP (`rasa run`, `make run`): REST for messages, the
clinician endpoint for time passing (CLINICIAN_VIEW=true), and Rasa's tracker API for what it
understood (only with `--enable-api` and the server's token). `InProcessBot` needs no server: it
loads the trained model with Rasa's `Agent` and serves the actions from the same process (the
action server's own Sanic app on a loopback port of this process), and hands every message
through the channels' guard, as the REST channel does.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from pathlib import Path
from typing import Any, Coroutine, Dict, List, Optional, Tuple, TypeVar

import requests

from bot.nlu.entities import findings_from_entities
from bot.paths import PROJECT_ROOT
from bot.types import Finding

MODEL = PROJECT_ROOT / "models" / "baclofen.tar.gz"
T = TypeVar("T")
Understood = Tuple[List[Finding], Optional[str]]


def latest_understood(events: List[Dict[str, Any]]) -> Optional[Understood]:
    """The findings and intent of the latest message the person typed (not a triggered check-in)."""
    for event in reversed(events):
        parse = event.get("parse_data") or {}
        if event.get("event") == "user" and not str(event.get("text") or "").startswith("EXTERNAL"):
            return findings_from_entities(parse.get("entities") or []), (parse.get("intent") or {}).get("name")
    return None


class RemoteBot:
    """A running bot over HTTP."""

    def __init__(self, url: str, timeout: float = 30.0, token: Optional[str] = None) -> None:
        self.base = url.rstrip("/")
        self.timeout = timeout
        self.token = token
        self.session = requests.Session()

    def send(self, sender: str, text: str) -> List[Dict[str, Any]]:
        response = self.session.post(
            f"{self.base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=self.timeout
        )
        response.raise_for_status()
        return list(response.json())

    def advance(self, sender: str, hours: float) -> List[Dict[str, Any]]:
        response = self.session.post(
            f"{self.base}/webhooks/clinician/advance", json={"sender": sender, "hours": hours}, timeout=self.timeout
        )
        if response.status_code == 403:
            raise ValueError("time cannot pass in this bot: start it with CLINICIAN_VIEW=true for `clock:` turns")
        response.raise_for_status()
        return list(response.json().get("messages") or [])

    def tracker(self, sender: str) -> Optional[Dict[str, Any]]:
        """The server's stored conversation for a REST sender (Rasa's HTTP API), or None."""
        # Every event: "start again" restarts the conversation after the message itself.
        params = {"include_events": "ALL", **({"token": self.token} if self.token else {})}
        try:
            response = self.session.get(
                f"{self.base}/conversations/rest:{sender}/tracker", params=params, timeout=self.timeout
            )
        except requests.RequestException:
            return None
        return response.json() if response.ok else None

    def understood(self, sender: str) -> Optional[Understood]:
        tracker = self.tracker(sender)
        return latest_understood(tracker.get("events") or []) if tracker else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class InProcessBot:
    """The trained model and the actions in this process, on an event loop of its own (a thread)."""

    def __init__(self, model: Path = MODEL, timeout: float = 60.0) -> None:
        if not model.exists():
            raise FileNotFoundError(f"{model} is missing: train the model first (`make train`)")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's start-up notes
        os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")  # no network at run time
        self.timeout = timeout
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="in-process-bot", daemon=True)
        self.thread.start()
        self.agent: Any = None
        self.server: Any = None
        self._call(self._start(model), timeout=300)

    def _call(self, coroutine: Coroutine[Any, Any, T], timeout: Optional[float] = None) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout or self.timeout)

    async def _start(self, model: Path) -> None:
        import logging

        from rasa.utils.log_utils import configure_structlog

        # Rasa's command line sets its logging up; here the runner's own output stays readable.
        configure_structlog(logging.WARNING)
        for name in ("", "rasa", "rasa_sdk", "sanic", "apscheduler"):
            logging.getLogger(name).setLevel(logging.WARNING)
        # Every form step warns that a slot has no `validate_` method (ours extract instead).
        logging.getLogger("rasa_sdk.forms").setLevel(logging.ERROR)
        from rasa.core.agent import load_agent
        from rasa.core.utils import AvailableEndpoints
        from rasa.utils.endpoints import EndpointConfig
        from rasa_sdk.endpoint import create_app

        from bot.checkins import delivery

        port = _free_port()
        app = create_app("actions")
        self.server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
        await self.server.startup()
        await self.server.before_start()
        await self.server.after_start()
        endpoints = AvailableEndpoints(action=EndpointConfig(url=f"http://127.0.0.1:{port}/webhook"))
        self.agent = await load_agent(model_path=str(model), endpoints=endpoints)
        delivery.install()

    def send(self, sender: str, text: str) -> List[Dict[str, Any]]:
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        from bot.channels.guard import deliver

        async def turn() -> List[Dict[str, Any]]:
            output = CollectingOutputChannel()
            message = UserMessage(text, output, sender, input_channel="rest")
            await deliver(self.agent.handle_message, message, self.agent)
            return [dict(m) for m in output.messages]

        return self._call(turn())

    def advance(self, sender: str, hours: float) -> List[Dict[str, Any]]:
        from bot.channels.guard import conversation_id
        from bot.checkins import delivery

        return self._call(delivery.advance(self.agent.processor, conversation_id("rest", sender), hours))

    def understood(self, sender: str) -> Optional[Understood]:
        from bot.channels.guard import conversation_id

        async def read() -> Optional[Understood]:
            # The whole conversation: "start again" begins a new session, after the message itself.
            tracker = await self.agent.tracker_store.retrieve_full_tracker(conversation_id("rest", sender))
            return latest_understood([e.as_dict() for e in tracker.events]) if tracker else None

        return self._call(read())

    def close(self) -> None:
        async def stop() -> None:
            if self.server is not None:
                await self.server.before_stop()
                self.server.close()
                await self.server.wait_closed()
                await self.server.after_stop()
            # Kept-open connections (Sanic's, the action client's) end here, not as tasks destroyed pending.
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        try:
            self._call(stop(), timeout=20)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)
