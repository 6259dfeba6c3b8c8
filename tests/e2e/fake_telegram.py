"""A fake Telegram Bot API on 127.0.0.1 that records calls, so the channel is tested offline.

It answers `POST /bot<token>/<method>` like Telegram (`{"ok": true, "result": ...}`), in a
thread with its own event loop, and can be told to fail a method a number of times.
"""

import asyncio
import itertools
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from aiohttp import web


@dataclass(frozen=True)
class Call:
    method: str
    payload: Dict[str, Any]


class FakeTelegram:
    """Start with `with FakeTelegram(token) as api:`; `api.base_url` goes to the channel."""

    def __init__(self, token: str = "123456:fake-token") -> None:
        self.token = token
        self._calls: List[Call] = []
        self._failures: Dict[str, List[int]] = {}
        self._lock = threading.Lock()
        self._message_ids = itertools.count(1000)
        self._last_message_id: Dict[str, int] = {}
        self._loop = asyncio.new_event_loop()
        self._runner: Optional[web.AppRunner] = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="fake-telegram", daemon=True)
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "FakeTelegram":
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fake Telegram API did not start")
        return self

    def __exit__(self, *_: Any) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def calls(self, method: Optional[str] = None, chat_id: Any = None) -> List[Call]:
        """Recorded calls, optionally of one method and to one chat."""
        with self._lock:
            calls = list(self._calls)
        return [
            c
            for c in calls
            if (method is None or c.method == method)
            and (chat_id is None or str(c.payload.get("chat_id")) == str(chat_id))
        ]

    def texts(self, chat_id: Any) -> List[str]:
        """The texts sent to a chat with sendMessage, in order."""
        return [c.payload["text"] for c in self.calls("sendMessage", chat_id)]

    def last_message_id(self, chat_id: Any) -> Optional[int]:
        """The message_id Telegram gave the last message sent to a chat (what a button press names)."""
        with self._lock:
            return self._last_message_id.get(str(chat_id))

    def fail(self, method: str, times: int = 1, status: int = 500, retry_after: int = 0) -> None:
        """Make the next `times` calls of `method` fail with HTTP `status` (429: with `retry_after`)."""
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, retry_after)] * times)

    def wait_for(self, check: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"the fake Telegram API did not see it in {timeout:.0f} s: {self.calls()}")
            time.sleep(0.05)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = self._runner.addresses[0][1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        payload = dict(await request.json()) if request.can_read_body else {}
        with self._lock:
            self._calls.append(Call(method, payload))
            failures = self._failures.get(method)
            status, retry_after = failures.pop(0) if failures else (None, 0)
        if status is not None:
            error = {"ok": False, "error_code": status, "description": f"Fake failure {status}"}
            if status == 429:
                error["parameters"] = {"retry_after": retry_after}
            return web.json_response(error, status=status)
        return web.json_response({"ok": True, "result": self._result(method, payload)})

    def _result(self, method: str, payload: Dict[str, Any]) -> Any:
        if method == "sendMessage":
            message_id = next(self._message_ids)
            with self._lock:
                self._last_message_id[str(payload.get("chat_id"))] = message_id
            return {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": payload.get("chat_id"), "type": "private"},
                "text": payload.get("text"),
            }
        if method == "getMe":
            return {"id": 123456, "is_bot": True, "first_name": "Fake", "username": "fake_bot"}
        if method == "getWebhookInfo":
            webhooks = [c for c in self.calls("setWebhook")]
            url = webhooks[-1].payload.get("url", "") if webhooks else ""
            return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}
        return True
