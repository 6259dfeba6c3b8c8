"""The Telegram channel itself: the webhook Rasa serves (`TelegramInput`) and Rasa's output channel.

Where the other modules meet: a POST is checked (the secret), read (updates.py), de-duplicated
(dedup.py) and run through Rasa with `bot.channels.guard.deliver`; the turn's replies are shaped
(messages.py) and queued in the outbox (outbox.py), which sends them with the Bot API (api.py).
Everything that needs Sanic, Rasa's channel classes or the running server is here, nowhere else.
"""

import asyncio
import hmac
import json
import logging
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text, Tuple, Union

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import deliver
from bot.channels.rest import loaded_agent
from bot.channels.telegram.api import BotApi, TelegramApiError, set_webhook
from bot.channels.telegram.dedup import RecentUpdates, SharedRecentUpdates
from bot.channels.telegram.messages import is_emergency_turn, send_message_payloads, telegram_chat_id
from bot.channels.telegram.outbox import Delivery, Outbox
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.updates import Incoming, parse_update
from bot.checkins.delivery import register_outlet
from bot.knowledge.channel_texts import load_channel_texts

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
NOT_CONFIGURED = "Telegram is not configured"  # the webhook's 503 body, for whoever set it up
# How long the webhook waits for Telegram to take a turn's replies before it answers (see `send`):
# past the pacing a drain waits out (5 s), so a usual turn has gone whole when the webhook answers.
SEND_WAIT_S = 6.0

# What the channel says in its own words (bot/knowledge/channel_texts.yml, reviewed by a clinician).
_TEXTS = load_channel_texts()
NOT_TEXT_REPLY = _TEXTS.not_text_reply
ATTACHMENT_NOTE = _TEXTS.attachment_note
APOLOGY = _TEXTS.apology
GROUP_NOTE = _TEXTS.group_note
STALE_BUTTON_NOTE = _TEXTS.stale_button_note


def secret_matches(expected: Text, received: Optional[Text]) -> bool:
    """Constant-time comparison, so the secret cannot be guessed from response times."""
    if received is None:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), received.encode("utf-8"))


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
        # Replies go through a durable outbox (bot/channels/telegram/outbox.py), sent one call at a
        # time: the outbox, not BotApi's short retries, decides when to try again.
        self.delivery: Optional[Delivery] = None
        if self.api is not None and not self.problem:
            sender = BotApi(str(settings.token), settings.api_base_url, attempts=1) if api is None else api
            self.delivery = Delivery(
                outbox or Outbox(), lambda payload: sender.call("sendMessage", payload), on_sent=self._sent
            )
        self.keyboards = LatestKeyboards()
        self.groups_told = RecentUpdates(recent_updates)  # group chats already asked to write privately
        self._background: Set[asyncio.Task] = set()

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
            self._in_background(self._answer_button(incoming))
            if self.keyboards.is_stale(chat, incoming.metadata.get("telegram", {}).get("message_id")):
                await self.send(
                    chat, [{"chat_id": telegram_chat_id(chat), "text": STALE_BUTTON_NOTE}], update_id=incoming.update_id
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
            self._in_background(self._answer_button(incoming))
        if await self.groups_told.first_time(incoming.chat_id or 0):
            await self.send(
                chat, [{"chat_id": telegram_chat_id(chat), "text": GROUP_NOTE}], update_id=incoming.update_id
            )

    async def send(
        self, chat: Text, payloads: List[Dict[Text, Any]], urgent: bool = False, update_id: Any = None
    ) -> None:
        """Into the outbox, then out at once as far as Telegram and the pace allow; the rest follows.

        Waits at most SEND_WAIT_S for Telegram: the usual reply has gone by then, and a hung or
        starved Bot API must not hold the webhook (Telegram waits for its answer before it sends
        this bot more updates, other people's red flags among them). What is not sent yet leaves
        from the outbox as soon as Telegram takes it."""
        if self.delivery is not None:
            try:
                await self.delivery.queue(chat, payloads, urgent)
            except Exception:  # noqa: BLE001 (the outbox's database is down: send directly, best effort)
                logger.exception("Telegram update %s: the outbox could not be written; sending directly", update_id)
            else:
                await asyncio.wait({self.delivery.drain_soon(chat)}, timeout=SEND_WAIT_S)
                return
        await asyncio.wait({self._in_background(self._send_directly(payloads, update_id))}, timeout=SEND_WAIT_S)

    async def _send_directly(self, payloads: List[Dict[Text, Any]], update_id: Any) -> None:
        for payload in payloads:
            try:
                await self.api.call("sendMessage", payload)  # type: ignore[union-attr]
            except Exception:
                logger.exception("Telegram update %s: a reply could not be sent", update_id)

    async def _answer_button(self, incoming: Incoming) -> None:
        """Stops the spinner on the pressed button: cosmetic, so never waited for by the turn (with a
        hung Bot API it held a "yes" to the red-flag screen for half a minute before Rasa saw it)."""
        try:
            await self.api.call("answerCallbackQuery", {"callback_query_id": incoming.callback_query_id})  # type: ignore[union-attr]
        except TelegramApiError:
            logger.exception("Telegram update %s: answerCallbackQuery failed", incoming.update_id)

    def _in_background(self, work: Awaitable[None]) -> asyncio.Task:
        task = asyncio.ensure_future(work)
        self._background.add(task)  # a task nobody holds can be collected before it ends
        task.add_done_callback(self._background.discard)
        return task
