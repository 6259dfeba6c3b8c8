"""The Bot API client: `{base_url}/bot{token}/{method}` over aiohttp, and registering the webhook.

Its own module because the channel, the outbox's sender and `bot.cli.telegram_webhook` all call
Telegram through it: one place decides what is retried and makes sure no error shows the token.
"""

import asyncio
from typing import Any, Dict, Optional, Text

import aiohttp

from bot.channels.telegram.settings import DEFAULT_API_BASE_URL, TelegramSettings

# The update types Telegram is asked to send (setWebhook's allowed_updates): those parse_update handles.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
# How long one call may take: under the outbox's lease (outbox.LEASE_S, 30 s), so a message being
# sent is never taken by a second sender. A hung API is not waited for by the webhook
# (channel.SEND_WAIT_S), so this does not slow anyone's turn.
CALL_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 5.0


class TelegramApiError(Exception):
    """A Bot API call that failed; the message never contains the token."""

    def __init__(
        self, method: Text, description: Text, error_code: Optional[int] = None, retry_after: Optional[float] = None
    ) -> None:
        super().__init__(f"Telegram {method} failed: {description}")
        self.method = method
        self.error_code = error_code
        self.retry_after = retry_after


class BotApi:
    """Calls `{base_url}/bot{token}/{method}`, retrying what Telegram says may succeed later.

    The aiohttp session is created on first use inside the running event loop (Sanic's), never at
    import time: a session made in another loop fails with "Event loop is closed".
    """

    def __init__(
        self, token: Text, base_url: Text = DEFAULT_API_BASE_URL, timeout: float = CALL_TIMEOUT_S, attempts: int = 3
    ) -> None:
        self._token = token
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, CONNECT_TIMEOUT_S))
        self._attempts = attempts
        self._session: Optional[aiohttp.ClientSession] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    def _client(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
            self._loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def call(self, method: Text, payload: Optional[Dict[Text, Any]] = None) -> Any:
        """The call's `result`; TelegramApiError when it failed for good."""
        url = f"{self._base_url}/bot{self._token}/{method}"
        for attempt in range(1, self._attempts + 1):
            try:
                async with self._client().post(url, json=payload or {}) as reply:
                    status = reply.status
                    try:
                        body = await reply.json(content_type=None)
                    except ValueError:
                        body = {}
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                # aiohttp errors can quote the URL, which holds the token. A timed-out sendMessage is
                # sent again: a message shown twice is better than an emergency advice never shown.
                description = f"{type(error).__name__}: {error}"
                if self._token:
                    description = description.replace(self._token, "<token>")
                if attempt == self._attempts:
                    raise TelegramApiError(method, description) from None
                await asyncio.sleep(0.5 * attempt)
                continue
            body = body if isinstance(body, dict) else {}
            if status == 200 and body.get("ok"):
                return body.get("result")
            description = str(body.get("description") or f"HTTP {status}")
            retry_after = (body.get("parameters") or {}).get("retry_after")
            if attempt == self._attempts or not (status == 429 or status >= 500):
                wait = float(retry_after) if isinstance(retry_after, int | float) else None
                raise TelegramApiError(method, description, body.get("error_code") or status, wait)
            await asyncio.sleep(min(float(retry_after or 0.5 * attempt), 5.0))
        raise AssertionError("unreachable")


async def set_webhook(api: BotApi, settings: TelegramSettings, drop_pending_updates: bool = False) -> Any:
    """Register the webhook with its secret, so Telegram sends the secret header on every update."""
    if not settings.webhook_url:
        raise ValueError("TELEGRAM_WEBHOOK_URL is not set (the public https address of /webhooks/telegram/webhook)")
    if settings.problem():
        raise ValueError(settings.problem())
    return await api.call(
        "setWebhook",
        {
            "url": settings.webhook_url,
            "secret_token": settings.webhook_secret,
            "allowed_updates": ALLOWED_UPDATES,
            "drop_pending_updates": drop_pending_updates,
        },
    )
