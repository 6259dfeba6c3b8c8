"""The Telegram channel: a webhook that only Telegram can call, and replies that always arrive.

Rasa 3.6's own Telegram connector (rasa/core/channels/telegram.py) is not used because it
accepts any POST as genuine (no `X-Telegram-Bot-Api-Secret-Token` check), calls `getMe` on every
update, hard-codes api.telegram.org, must reach Telegram at start-up to set the webhook, and
swallows or re-raises errors so the person gets no answer. It also runs on aiogram 2.15, whose
`set_webhook` has no `secret_token`. This channel speaks the Bot API directly over aiohttp:

- every update must carry the webhook secret (constant-time compare), otherwise 403;
- a re-delivered update (same `update_id`) is answered once;
- the only Telegram calls while an update is handled are the replies (and answering a button
  press); the webhook is registered by `python -m bot.cli.telegram_webhook set` or, if
  TELEGRAM_SET_WEBHOOK_ON_START is true, once the server runs (a failure is logged, not fatal);
- Rasa's replies are collected first, then sent in order: the emergency advice comes first,
  custom payloads are not sent, long texts are split at 4096 characters, buttons become an
  inline keyboard, and a turn that fails or yields nothing ends with an apology.

Configuration: environment variables (README.md, "Telegram"), overridden by credentials.yml keys.
"""

import asyncio
import hmac
import json
import logging
import os
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Text, Tuple, Union

import aiohttp
import redis
import redis.asyncio as aioredis
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import deliver
from bot.channels.rest import loaded_agent
from bot.channels.telegram_outbox import Delivery, Outbox
from bot.checkins.delivery import register_outlet

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The update types Telegram is asked to send (setWebhook's allowed_updates): those handled here.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
MESSAGE_LIMIT = 4096  # Telegram's limit for one message, in UTF-16 code units
CALLBACK_DATA_LIMIT = 64  # bytes
# Telegram's own rule for secret_token: 1-256 characters, A-Z a-z 0-9 _ -.
SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

NOT_CONFIGURED = "Telegram is not configured"
NOT_TEXT_REPLY = (
    "Sorry, I can only read text messages. Please type in words how you (or the person you care for) "
    "feel. If this is an emergency, call your local emergency number now."
)
ATTACHMENT_NOTE = "I could only read the text of your message: I cannot see photos, stickers, voice messages or files."
APOLOGY = (
    "Sorry, something went wrong on our side. Please try again. "
    "If this is an emergency, call your local emergency number now."
)
# Telegram commands, as the texts the bot's NLU understands, sent in turn. Any other "/..." text is
# sent without its slashes, so a person can never inject Rasa's "/intent{...}" syntax. Restarting
# gives no reply of its own (the domain has no utter_restart), so the greeting follows it.
COMMANDS = {"start": ("hi",), "help": ("what can you do",), "restart": ("start again",)}

ENV = {
    "token": "TELEGRAM_TOKEN",
    "webhook_secret": "TELEGRAM_WEBHOOK_SECRET",
    "api_base_url": "TELEGRAM_API_BASE_URL",
    "webhook_url": "TELEGRAM_WEBHOOK_URL",
    "set_webhook_on_start": "TELEGRAM_SET_WEBHOOK_ON_START",
    "dedup_redis_url": "TELEGRAM_DEDUP_REDIS_URL",
}
TRUE, FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class TelegramSettings:
    """Where the Bot API is, the bot's token, and the webhook it answers on."""

    token: Optional[Text] = None
    webhook_secret: Optional[Text] = None
    api_base_url: Text = DEFAULT_API_BASE_URL
    webhook_url: Optional[Text] = None
    set_webhook_on_start: bool = False
    # Several Rasa processes behind one webhook share the record of answered updates in Redis.
    dedup_redis_url: Optional[Text] = None

    @classmethod
    def load(
        cls, overrides: Optional[Mapping[Text, Any]] = None, env: Optional[Mapping[Text, Text]] = None
    ) -> "TelegramSettings":
        """Environment variables, overridden by the (non-empty) credentials.yml values."""
        env = os.environ if env is None else env
        overrides = overrides or {}
        unknown = set(overrides) - set(ENV)
        if unknown:
            raise RasaException(f"Unknown Telegram credentials {sorted(unknown)}; allowed: {sorted(ENV)}")
        values = {key: env.get(var) for key, var in ENV.items()}
        values.update({key: value for key, value in overrides.items() if value is not None and value != ""})
        return cls(
            token=_text(values["token"]),
            webhook_secret=_text(values["webhook_secret"]),
            api_base_url=(_text(values["api_base_url"]) or DEFAULT_API_BASE_URL).rstrip("/"),
            webhook_url=_text(values["webhook_url"]),
            set_webhook_on_start=_flag(values["set_webhook_on_start"]),
            dedup_redis_url=_text(values["dedup_redis_url"]),
        )

    def problem(self) -> Optional[Text]:
        """Why the channel cannot run (None when it can): it never runs without the secret."""
        if not self.token:
            return "TELEGRAM_TOKEN is not set"
        if not self.webhook_secret:
            return "TELEGRAM_WEBHOOK_SECRET is not set"
        if not SECRET_FORMAT.match(self.webhook_secret):
            return "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
        if not self.api_base_url.startswith(("https://", "http://")):
            return "TELEGRAM_API_BASE_URL must start with https:// (or http:// for a local Bot API server)"
        return None


def _text(value: Any) -> Optional[Text]:
    if value is None:
        return None
    return str(value).strip() or None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text not in TRUE | FALSE:
        logger.warning("TELEGRAM_SET_WEBHOOK_ON_START=%r is not true/false: taken as false", value)
    return text in TRUE


# ---------------------------------------------------------------- Bot API client


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
        self, token: Text, base_url: Text = DEFAULT_API_BASE_URL, timeout: float = 10.0, attempts: int = 3
    ) -> None:
        self._token = token
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
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


# ---------------------------------------------------------------- pure helpers


def secret_matches(expected: Text, received: Optional[Text]) -> bool:
    """Constant-time comparison, so the secret cannot be guessed from response times."""
    if received is None:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), received.encode("utf-8"))


class RecentUpdates:
    """The update_ids seen lately, to answer a re-delivered update once.

    Telegram re-delivers an update when it got no 200 in time. This cache lives in one process:
    with several Rasa processes behind one webhook, `SharedRecentUpdates` (Redis) is used instead.
    Checking and recording happen without an `await` in between, so two identical POSTs arriving
    together are still processed once.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._seen: OrderedDict[int, None] = OrderedDict()

    async def first_time(self, update_id: int) -> bool:
        if update_id in self._seen:
            self._seen.move_to_end(update_id)
            return False
        self._seen[update_id] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True


class SharedRecentUpdates:
    """The update_ids answered lately, kept in Redis so that every Rasa process sees them.

    `SET <prefix><update_id> 1 NX EX <ttl>` records an update and says whether it was new, in one
    atomic step on the Redis server, so two processes given the same re-delivered update answer it
    once. Telegram re-delivers for at most 24 hours, hence the default TTL. If Redis cannot be
    reached the update is answered (a duplicate answer is better than a person left unanswered)
    and a warning is logged. Redis is asked with the asyncio client and a short time limit: the
    synchronous client stopped the whole process for two seconds per update while Redis hung.
    """

    TIMEOUT_S = 0.5

    def __init__(self, url: Text, ttl_s: int = 86_400, key_prefix: Text = "baclofen:telegram:update:") -> None:
        self._url = url
        self._ttl_s = ttl_s
        self._prefix = key_prefix
        self._clients: Dict[asyncio.AbstractEventLoop, Any] = {}

    def _client(self) -> Any:
        loop = asyncio.get_running_loop()
        if loop not in self._clients:  # an asyncio client belongs to the loop it was made in
            self._clients = {
                loop: aioredis.Redis.from_url(
                    self._url, socket_connect_timeout=self.TIMEOUT_S, socket_timeout=self.TIMEOUT_S
                )
            }
        return self._clients[loop]

    async def first_time(self, update_id: int) -> bool:
        try:
            key = f"{self._prefix}{update_id}"
            answer = await asyncio.wait_for(self._client().set(key, 1, nx=True, ex=self._ttl_s), self.TIMEOUT_S * 2)
            return bool(answer)
        except (redis.RedisError, OSError, asyncio.TimeoutError) as error:
            logger.warning("Telegram: Redis for re-delivered updates unreachable (%s); answering", type(error).__name__)
            return True


def _utf16_length(text: Text) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_message(text: Text, limit: int = MESSAGE_LIMIT) -> List[Text]:
    """Parts of at most `limit` UTF-16 units, cut at a paragraph, else a line, else a space."""
    parts: List[Text] = []
    rest = text.strip()
    while _utf16_length(rest) > limit:
        fits, units = 0, 0
        for char in rest:
            units += _utf16_length(char)
            if units > limit:
                break
            fits += 1
        window = rest[:fits]
        cut = next((i for i in (window.rfind(sep) for sep in ("\n\n", "\n", " ")) if i > 0), fits)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def rasa_texts(text: Text) -> Tuple[Text, ...]:
    """What to send Rasa for a person's text: commands mapped, leading slashes removed."""
    text = text.strip()
    if text.startswith("/"):
        command = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
        if command in COMMANDS:
            return COMMANDS[command]
        text = re.sub(r"^[\s/]+", "", text)
    return (text,) if text else ()


@dataclass(frozen=True)
class Incoming:
    """One Telegram update, as this channel will handle it.

    kind: "text" (send `texts` to Rasa), "callback" (a button press: answer it, then as "text"),
    "unsupported" (no text: reply NOT_TEXT_REPLY) or "ignored" (nothing a person sent to us).
    """

    update_id: int
    kind: Text
    chat_id: Optional[int] = None
    texts: Tuple[Text, ...] = ()
    callback_query_id: Optional[Text] = None
    attachment: bool = False
    metadata: Dict[Text, Any] = field(default_factory=dict)


PRIVATE = "private"


def _object(value: Any, what: Text) -> Dict[Text, Any]:
    """A JSON object, {} when absent; anything else is a malformed update (TypeError -> 400)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"{what} is not an object")
    return value


def _chat_id(chat: Dict[Text, Any]) -> Optional[int]:
    chat_id = chat.get("id")
    if chat_id is not None and (not isinstance(chat_id, int) or isinstance(chat_id, bool)):
        raise TypeError("chat.id is not a number")
    return chat_id


def parse_update(update: Mapping[Text, Any]) -> Incoming:
    """Classify an update; an edited message is read as a new message (it may add a red flag).

    Raises TypeError for a field of the wrong type (the webhook answers 400). Messages from group
    chats are of kind "group": health advice is given in private chats only.
    """
    update_id = update["update_id"]
    query = update.get("callback_query")
    if query is not None:
        query = _object(query, "callback_query")
        message = _object(query.get("message"), "callback_query.message")
        user = _object(query.get("from"), "callback_query.from")
        chat = _object(message.get("chat"), "chat")
        chat_id = _chat_id(chat) or _chat_id(user)
        meta = {"update_id": update_id, "message_id": message.get("message_id"), "user_id": user.get("id")}
        if chat.get("type", PRIVATE) != PRIVATE:
            return Incoming(update_id, "group", chat_id, callback_query_id=query.get("id"), metadata={"telegram": meta})
        return Incoming(
            update_id,
            "callback",
            chat_id,
            rasa_texts(str(query.get("data") or "")),
            callback_query_id=query.get("id"),
            metadata={"telegram": meta},
        )
    key = next((k for k in ("message", "edited_message") if update.get(k) is not None), None)
    if key is None:
        return Incoming(update_id, "ignored")
    message = _object(update[key], key)
    user = _object(message.get("from"), "from")
    chat = _object(message.get("chat"), "chat")
    chat_id = _chat_id(chat)
    if chat_id is None or user.get("is_bot"):
        return Incoming(update_id, "ignored")
    meta = {"update_id": update_id, "message_id": message.get("message_id"), "user_id": user.get("id")}
    if chat.get("type", PRIVATE) != PRIVATE:
        return Incoming(update_id, "group", chat_id, metadata={"telegram": meta})
    if key == "edited_message":
        meta["edited"] = True
    if isinstance(message.get("text"), str):
        texts = rasa_texts(message["text"])
        return Incoming(update_id, "text" if texts else "unsupported", chat_id, texts, metadata={"telegram": meta})
    caption = rasa_texts(message["caption"]) if isinstance(message.get("caption"), str) else ()
    if caption:
        return Incoming(update_id, "text", chat_id, caption, attachment=True, metadata={"telegram": meta})
    return Incoming(update_id, "unsupported", chat_id, metadata={"telegram": meta})


def inline_keyboard(buttons: List[Dict[Text, Any]]) -> Optional[Dict[Text, Any]]:
    """One button per row (titles stay readable on a phone); the payload becomes callback_data."""
    rows = []
    for button in buttons:
        payload = str(button.get("payload") or button.get("title") or "")
        if not payload or len(payload.encode("utf-8")) > CALLBACK_DATA_LIMIT:
            logger.error("Button %r left out: its payload must be 1-64 bytes for Telegram", button.get("title"))
            continue
        rows.append([{"text": str(button.get("title") or payload), "callback_data": payload}])
    return {"inline_keyboard": rows} if rows else None


# ---------------------------------------------------------------- channels


def send_message_payloads(chat_id: Text, message: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """The sendMessage calls for one of Rasa's replies: its text split at Telegram's limit, buttons as
    an inline keyboard on the last part; custom payloads (such as `triage`) are for machines: none."""
    text, buttons = message.get("text"), message.get("buttons") or message.get("quick_replies")
    if not text and not buttons:
        return []
    parts = split_message(str(text or "")) or ["Please choose:"]
    payloads: List[Dict[Text, Any]] = [{"chat_id": _chat(chat_id), "text": part} for part in parts]
    keyboard = inline_keyboard(buttons) if buttons else None
    if keyboard:
        payloads[-1]["reply_markup"] = keyboard
    return payloads


def is_emergency_turn(messages: List[Dict[Text, Any]]) -> bool:
    """Whether a turn's replies carry the emergency advice (its messages then go before older ones)."""
    return any(((m.get("custom") or {}).get("triage") or {}).get("level") == "emergency" for m in messages)


def _chat(recipient_id: Text) -> Union[int, Text]:
    try:
        return int(recipient_id)
    except ValueError:
        return recipient_id


class TelegramOutput(OutputChannel):
    """Sends Rasa's replies as plain text (no parse mode: the number must show as written)."""

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def __init__(self, api: BotApi) -> None:
        self.api = api

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for payload in send_message_payloads(recipient_id, {"text": text}):
            await self.api.call("sendMessage", payload)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        for payload in send_message_payloads(recipient_id, {"text": text, "buttons": buttons}):
            await self.api.call("sendMessage", payload)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        """Custom payloads (such as `triage`) are for machines: nothing to show on Telegram."""
        logger.debug("Custom payload with keys %s not sent to Telegram", sorted(json_message))


class _TurnCollector(CollectingOutputChannel):
    """Collects a turn's replies; named "telegram" so channel-specific responses still apply."""

    @classmethod
    def name(cls) -> Text:
        return "telegram"


GROUP_NOTE = (
    "I can only help one person at a time, in a private chat. Please write to me directly (tap my "
    "name, then Message). If this is an emergency, call your local emergency number now."
)
STALE_BUTTON_NOTE = (
    "That button belongs to an earlier question, so I did not use it. Please answer the latest "
    "question, or type what you want to say."
)


class LatestKeyboards:
    """Per chat, the message that carries the buttons of the latest question (in this process).

    A button pressed on any other message, or on that one after it was answered, is stale: pressing
    "Tablets" under an old question after the assessment re-assessed the person as routine. Unknown
    chats (another process sent the buttons, or a restart) are let through.
    """

    USED = -1

    def __init__(self, size: int = 10_000) -> None:
        self._latest: OrderedDict[Text, int] = OrderedDict()
        self._size = size

    def shown(self, chat: Text, message_id: Any) -> None:
        if isinstance(message_id, int):
            self._set(chat, message_id)

    def answered(self, chat: Text) -> None:
        if chat in self._latest:
            self._set(chat, self.USED)

    def is_stale(self, chat: Text, message_id: Any) -> bool:
        latest = self._latest.get(chat)
        return latest is not None and latest != message_id

    def _set(self, chat: Text, value: int) -> None:
        self._latest[chat] = value
        self._latest.move_to_end(chat)
        while len(self._latest) > self._size:
            self._latest.popitem(last=False)


class TelegramInput(InputChannel):
    """POST /webhooks/telegram/webhook: Telegram updates, checked, de-duplicated and answered."""

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(TelegramSettings.load(credentials))

    def __init__(
        self,
        settings: TelegramSettings,
        api: Optional[BotApi] = None,
        recent_updates: int = 10_000,
        outbox: Optional[Outbox] = None,
    ) -> None:
        self.settings = settings
        self.problem = settings.problem()
        if self.problem:
            # No token: Telegram is simply not used here. A token without a valid secret is a mistake.
            level = logging.INFO if not settings.token else logging.ERROR
            logger.log(level, "%s (%s): the Telegram webhook answers 503", NOT_CONFIGURED, self.problem)
            self.api = api
        else:
            self.api = api or BotApi(str(settings.token), settings.api_base_url)
        self.recent: Union[RecentUpdates, SharedRecentUpdates] = (
            SharedRecentUpdates(settings.dedup_redis_url) if settings.dedup_redis_url else RecentUpdates(recent_updates)
        )
        # Replies go through a durable outbox (bot/channels/telegram_outbox.py), sent one call at a
        # time: the outbox, not BotApi's short retries, decides when to try again.
        self.delivery: Optional[Delivery] = None
        if self.api is not None and not self.problem:
            sender = BotApi(str(settings.token), settings.api_base_url, attempts=1) if api is None else api
            self.delivery = Delivery(
                outbox or Outbox(), lambda payload: sender.call("sendMessage", payload), on_sent=self._sent
            )
        self.keyboards = LatestKeyboards()
        self.groups_told = RecentUpdates(recent_updates)  # group chats already asked to write privately

    def _sent(self, chat: Text, payload: Dict[Text, Any], result: Any) -> None:
        if "reply_markup" in payload and isinstance(result, dict):
            self.keyboards.shown(chat, result.get("message_id"))

    def get_output_channel(self) -> Optional[OutputChannel]:
        """For messages Rasa starts itself (reminders, the trigger_intent API)."""
        return TelegramOutput(self.api) if self.api and not self.problem else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Not "telegram_webhook": that is the stock connector's blueprint name.
        telegram = Blueprint("telegram_secure_webhook")

        @telegram.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if not self.problem else "not configured"})

        @telegram.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            status, text = await self.handle_request(
                request.headers.get(SECRET_HEADER), request.body, on_new_message, loaded_agent(request.app)
            )
            return response.text(text, status=status)

        if self.delivery is not None or self.api is not None:
            register_outlet(self.name(), self.send_checkin)

        @telegram.listener("after_server_start")
        async def register(_: Sanic, __: asyncio.AbstractEventLoop) -> None:
            if self.delivery is not None:
                self.delivery.start()  # sends what waits in the outbox, also from before a restart
            if self.settings.set_webhook_on_start:
                await self.register_webhook()

        @telegram.listener("before_server_stop")
        async def close(_: Sanic, __: asyncio.AbstractEventLoop) -> None:
            if self.delivery is not None:
                await self.delivery.stop()
            if self.api:
                await self.api.close()

        return telegram

    async def register_webhook(self) -> bool:
        """Register the webhook once the server runs; a failure is logged, the server runs on."""
        if self.api is None or self.problem:
            logger.error("Telegram webhook not registered: %s", self.problem)
            return False
        try:
            await set_webhook(self.api, self.settings)
        except (TelegramApiError, ValueError) as error:
            logger.error("Telegram webhook not registered (%s); the server runs on.", error)
            return False
        logger.info("Telegram webhook registered: %s", self.settings.webhook_url)
        return True

    async def handle_request(
        self,
        secret: Optional[Text],
        body: bytes,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        agent: Any = None,
    ) -> Tuple[int, Text]:
        """HTTP status and text for one webhook POST; the reply is sent before the 200."""
        if self.problem or not self.settings.webhook_secret:
            return 503, NOT_CONFIGURED
        if not secret_matches(self.settings.webhook_secret, secret):
            logger.warning("Telegram webhook: request without the right secret refused")
            return 403, "forbidden"
        try:
            update = json.loads(body or b"")
        except (ValueError, RecursionError):  # RecursionError: JSON nested deeper than Python goes
            return 400, "not JSON"
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return 400, "not a Telegram update"
        try:
            incoming = parse_update(update)
        except (TypeError, AttributeError, KeyError, ValueError) as error:
            logger.warning("Telegram: a malformed update refused (%s)", type(error).__name__)
            return 400, "not a Telegram update"
        if not await self.recent.first_time(update["update_id"]):
            logger.info("Telegram update %s was delivered again: already handled", update["update_id"])
            return 200, "ok"
        await self.handle_update(incoming, on_new_message, agent)
        return 200, "ok"

    async def handle_update(
        self, incoming: Incoming, on_new_message: Callable[[UserMessage], Awaitable[Any]], agent: Any = None
    ) -> None:
        """Run one update through Rasa and send the replies; never silent, never raises.

        Each text goes through `bot.channels.guard.deliver`, like every channel's: a turn with no
        reply (the action server down) still gets the emergency advice when it is due.
        """
        if incoming.kind == "ignored" or incoming.chat_id is None or self.api is None:
            logger.debug("Telegram update %s ignored: nothing a person sent", incoming.update_id)
            return
        chat = str(incoming.chat_id)
        if incoming.kind == "group":
            await self.answer_group(chat, incoming)
            return
        failed = False
        if incoming.callback_query_id:
            try:  # stops the spinner on the button; the message is handled even if this fails
                await self.api.call("answerCallbackQuery", {"callback_query_id": incoming.callback_query_id})
            except TelegramApiError:
                logger.exception("Telegram update %s: answerCallbackQuery failed", incoming.update_id)
            if self.keyboards.is_stale(chat, incoming.metadata.get("telegram", {}).get("message_id")):
                await self.send(
                    chat, [{"chat_id": _chat(chat), "text": STALE_BUTTON_NOTE}], update_id=incoming.update_id
                )
                return
        self.keyboards.answered(chat)
        collector = _TurnCollector()
        if incoming.kind == "unsupported" or not incoming.texts:
            collector.messages.append({"text": NOT_TEXT_REPLY})
        else:
            try:
                for text in incoming.texts:
                    await deliver(
                        on_new_message,
                        UserMessage(text, collector, chat, input_channel=self.name(), metadata=incoming.metadata),
                        agent,
                    )
            except Exception:
                logger.exception("Telegram update %s: handling the message failed", incoming.update_id)
                failed = True
            if not collector.messages and not failed:
                # The bot always answers a message; silence means a part of it is down.
                logger.error("Telegram update %s: the bot gave no reply", incoming.update_id)
                failed = True
            if incoming.attachment:
                collector.messages.append({"text": ATTACHMENT_NOTE})
        messages = [{k: v for k, v in m.items() if k != "recipient_id"} for m in collector.messages]
        if failed:
            messages.append({"text": APOLOGY})
        payloads = [p for m in messages for p in send_message_payloads(chat, m)]
        await self.send(chat, payloads, urgent=is_emergency_turn(messages), update_id=incoming.update_id)

    async def send_checkin(self, chat: Text, messages: List[Dict[Text, Any]]) -> None:
        """A check-in's messages (the bot writes first), through the same outbox as replies."""
        payloads = [p for m in messages for p in send_message_payloads(chat, m)]
        await self.send(chat, payloads, urgent=is_emergency_turn(messages))

    async def answer_group(self, chat: Text, incoming: Incoming) -> None:
        """In a group, say once (per process) to write privately; nothing said there reaches Rasa,
        so no health advice is posted to the group and its members never share one conversation."""
        if incoming.callback_query_id:
            try:
                await self.api.call("answerCallbackQuery", {"callback_query_id": incoming.callback_query_id})  # type: ignore[union-attr]
            except TelegramApiError:
                logger.exception("Telegram update %s: answerCallbackQuery failed", incoming.update_id)
        if await self.groups_told.first_time(incoming.chat_id or 0):
            await self.send(chat, [{"chat_id": _chat(chat), "text": GROUP_NOTE}], update_id=incoming.update_id)

    async def send(
        self, chat: Text, payloads: List[Dict[Text, Any]], urgent: bool = False, update_id: Any = None
    ) -> None:
        """Into the outbox, then out at once as far as Telegram and the pace allow; the rest follows."""
        if self.delivery is not None:
            try:
                await self.delivery.queue(chat, payloads, urgent)
            except Exception:  # noqa: BLE001 (the outbox's database is down: send directly, best effort)
                logger.exception("Telegram update %s: the outbox could not be written; sending directly", update_id)
            else:
                await self.delivery.drain(chat)
                return
        for payload in payloads:
            try:
                await self.api.call("sendMessage", payload)  # type: ignore[union-attr]
            except Exception:
                logger.exception("Telegram update %s: a reply could not be sent", update_id)
