"""Telegram replies that are never lost: a durable outbox, delivered in order and paced.

Before, a reply the Bot API refused for a few seconds (5xx) or under flood control (429 with a
`retry_after` over 5 s) was dropped after three tries, while the webhook still answered 200 and the
update was marked handled, so Telegram never delivered it again: the emergency advice could be lost
for good. Now every reply is first written to an outbox table (SQL: a SQLite file by default, the
PostgreSQL of DB_URL with several processes), then sent; a message leaves the outbox only when
Telegram accepted it, or when Telegram says it can never be delivered (a 4xx other than 429: the
person blocked the bot, the chat does not exist), which is logged as an error.

- Order: per chat, oldest first, except that a turn carrying the emergency advice goes before
  anything older that is still waiting. Only a chat's first waiting message can be taken, and only
  by one sender at a time (an atomic claim with a short lease), so two processes never reorder a chat.
- `retry_after` of a 429 is honoured in full for that chat; 5xx and network errors are retried with
  growing waits (at most MAX_BACKOFF_S); nothing is given up while Telegram may still take it.
- Pacing within Telegram's documented limits: about 30 messages a second across chats
  (TELEGRAM_GLOBAL_RATE) and short bursts within one chat, then about one a second
  (TELEGRAM_CHAT_BURST, TELEGRAM_CHAT_RATE; bot/settings.py).
- A background task (started with the server) sends whatever is due every second; the webhook
  sends a turn's replies at once, so the usual path is as fast as before.

Written by hand: no maintained library offers a durable, ordered, rate-limited outbox for the Bot
API on SQLAlchemy 1.4 (aiogram 2.15, which Rasa pins, has none).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text

import sqlalchemy as sa

from bot import settings
from bot.channels.buckets import TokenBuckets
from bot.channels.telegram.api import TelegramApiError
from bot.paths import PROJECT_ROOT

logger = logging.getLogger(__name__)

URGENT, NORMAL = 0, 1
LEASE_S = 30.0  # a claimed message is sent, retried or released within this; a dead sender's claim expires
MAX_BACKOFF_S = 60.0
# Chats sent to side by side by the background loop (Telegram takes about 30 messages a second in all).
DRAINS_AT_ONCE = 32

METADATA = sa.MetaData()
OUTBOX = sa.Table(
    "telegram_outbox",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("chat_id", sa.String(64), nullable=False, index=True),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("not_before", sa.Float, nullable=False),
    sa.Column("claimed_until", sa.Float, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("created", sa.Float, nullable=False),
)


def default_url() -> Text:
    """TELEGRAM_OUTBOX_URL, else DB_URL (several processes share it), else a SQLite file in state/."""
    return settings.telegram_outbox_url() or f"sqlite:///{PROJECT_ROOT / 'state' / 'telegram_outbox.db'}"


@dataclass(frozen=True)
class Pending:
    id: int
    chat_id: Text
    payload: Dict[Text, Any]
    attempts: int


class Outbox:
    """The outbox table; every method is synchronous (run it in a worker thread)."""

    def __init__(self, url: Optional[Text] = None) -> None:
        url = url or default_url()
        if url.startswith("sqlite:///"):
            os.makedirs(os.path.dirname(url[len("sqlite:///") :]) or ".", exist_ok=True)
        if url in ("sqlite://", "sqlite:///:memory:"):  # one shared connection, or each thread sees an empty database
            self.engine = sa.create_engine(
                url, poolclass=sa.pool.StaticPool, connect_args={"check_same_thread": False}, hide_parameters=True
            )
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True, hide_parameters=True)
        METADATA.create_all(self.engine)

    def put(self, chat_id: Text, payloads: Sequence[Dict[Text, Any]], urgent: bool = False) -> None:
        """Queue one turn's messages for a chat, in order."""
        now = time.time()
        rows = [
            {
                "chat_id": str(chat_id),
                "priority": URGENT if urgent else NORMAL,
                "payload": json.dumps(p),
                "not_before": now,
                "claimed_until": 0.0,
                "attempts": 0,
                "created": now,
            }
            for p in payloads
        ]
        if rows:
            with self.engine.begin() as connection:
                connection.execute(OUTBOX.insert(), rows)

    def claim(self, chat_id: Text, now: Optional[float] = None) -> Optional[Pending]:
        """The chat's first waiting message, if it is due and nobody else holds it (then it is ours)."""
        now = time.time() if now is None else now
        with self.engine.begin() as connection:
            head = connection.execute(
                sa.select(OUTBOX)
                .where(OUTBOX.c.chat_id == str(chat_id))
                .order_by(OUTBOX.c.priority, OUTBOX.c.id)
                .limit(1)
            ).first()
            if head is None or head.not_before > now or head.claimed_until > now:
                return None
            taken = connection.execute(
                OUTBOX.update()
                .where(OUTBOX.c.id == head.id, OUTBOX.c.claimed_until <= now)
                .values(claimed_until=now + LEASE_S, attempts=head.attempts + 1)
            ).rowcount
        return Pending(head.id, head.chat_id, json.loads(head.payload), head.attempts + 1) if taken else None

    def sent(self, message_id: int) -> None:
        with self.engine.begin() as connection:
            connection.execute(OUTBOX.delete().where(OUTBOX.c.id == message_id))

    def later(self, message_id: int, not_before: float) -> None:
        """Release the claim; the chat waits until `not_before` (its later messages wait behind it)."""
        with self.engine.begin() as connection:
            connection.execute(
                OUTBOX.update().where(OUTBOX.c.id == message_id).values(claimed_until=0.0, not_before=not_before)
            )

    def due_chats(self, now: Optional[float] = None) -> List[Text]:
        now = time.time() if now is None else now
        with self.engine.begin() as connection:
            rows = connection.execute(
                sa.select(OUTBOX.c.chat_id).where(OUTBOX.c.not_before <= now, OUTBOX.c.claimed_until <= now).distinct()
            ).fetchall()
        return [r.chat_id for r in rows]

    def waiting(self, chat_id: Optional[Text] = None) -> int:
        query = sa.select(sa.func.count()).select_from(OUTBOX)
        if chat_id is not None:
            query = query.where(OUTBOX.c.chat_id == str(chat_id))
        with self.engine.begin() as connection:
            return int(connection.execute(query).scalar() or 0)


class Pacer:
    """`global_rate` messages a second across chats, and per chat a burst of `chat_burst` then
    `chat_rate` a second (token buckets); by default TELEGRAM_GLOBAL_RATE, _CHAT_BURST, _CHAT_RATE."""

    def __init__(
        self, global_rate: Optional[float] = None, chat_burst: Optional[int] = None, chat_rate: Optional[float] = None
    ):
        global_rate = settings.telegram_global_rate() if global_rate is None else global_rate
        chat_burst = settings.telegram_chat_burst() if chat_burst is None else chat_burst
        chat_rate = settings.telegram_chat_rate() if chat_rate is None else chat_rate
        self._all = TokenBuckets(global_rate, global_rate)
        self._chats = TokenBuckets(chat_burst, chat_rate)

    def wait_for(self, chat_id: Text, now: Optional[float] = None) -> float:
        """Seconds to wait before this chat may send; 0 means send now (and it is counted)."""
        now = time.monotonic() if now is None else now
        wait = max(self._all.wait("all", now), self._chats.wait(chat_id, now))
        if not wait:
            self._all.take("all", now)
            self._chats.take(chat_id, now)
        return wait


# Sends one message; returns Telegram's result (the sent message) or raises TelegramApiError.
Send = Callable[[Dict[Text, Any]], Awaitable[Any]]
# Told about every message Telegram took: (chat id, the payload, Telegram's result).
Sent = Callable[[Text, Dict[Text, Any], Any], None]


class Delivery:
    """Sends what is due from the outbox, in order, within the pace, never dropping what may still go."""

    def __init__(
        self, outbox: Outbox, send: Send, pacer: Optional[Pacer] = None, on_sent: Optional[Sent] = None
    ) -> None:
        self.outbox = outbox
        self.send = send
        self.pacer = pacer or Pacer()
        self.on_sent = on_sent
        self._task: Optional[asyncio.Task] = None
        self._draining: Dict[Text, asyncio.Task] = {}

    async def queue(self, chat_id: Text, payloads: Sequence[Dict[Text, Any]], urgent: bool = False) -> None:
        await asyncio.to_thread(self.outbox.put, chat_id, payloads, urgent)

    def drain_soon(self, chat_id: Text, max_wait_s: float = 5.0) -> asyncio.Task:
        """Start sending the chat's due messages and return at once: the caller may wait on the task
        as long as it likes, and a hung Bot API holds up nobody else. Two drains of one chat never
        reorder it (only the head can be claimed, by one sender)."""
        task = asyncio.ensure_future(self.drain(chat_id, max_wait_s))
        self._draining[chat_id] = task
        task.add_done_callback(lambda done: self._drained(chat_id, done))
        return task

    def _drained(self, chat_id: Text, task: asyncio.Task) -> None:
        if self._draining.get(chat_id) is task:
            del self._draining[chat_id]
        if not task.cancelled() and task.exception() is not None:
            # The outbox's database may be down: the message stays queued and the loop tries again.
            logger.error("sending to a Telegram chat failed; trying again", exc_info=task.exception())

    async def drain(self, chat_id: Text, max_wait_s: float = 5.0) -> None:
        """Send the chat's due messages now, one by one, until none is due (or pacing asks for more
        than `max_wait_s` of waiting: the background task carries on)."""
        while True:
            wait = self.pacer.wait_for(chat_id)
            if wait > max_wait_s:
                return
            if wait:
                await asyncio.sleep(wait)
                continue
            pending = await asyncio.to_thread(self.outbox.claim, chat_id)
            if pending is None:
                return
            outcome = await self._send_one(pending)
            if outcome is not None:  # not sent: the chat waits until then
                return

    async def _send_one(self, pending: Pending) -> Optional[float]:
        """None when done with it (sent, or undeliverable for good); else when to try again."""
        result: Any = None
        try:
            result = await self.send(pending.payload)
        except TelegramApiError as error:
            retry_after = getattr(error, "retry_after", None)
            code = error.error_code or 0
            if code == 429 or code >= 500 or code == 0:
                backoff = float(retry_after) if retry_after else min(MAX_BACKOFF_S, 2.0 ** min(pending.attempts, 6))
                when = time.time() + backoff
                logger.warning("Telegram refused a message (%s); trying again in %.0f s", code or "no answer", backoff)
                await asyncio.to_thread(self.outbox.later, pending.id, when)
                return when
            logger.error("Telegram can never take this message (%s: %s); dropped", code, error)
        except Exception:  # noqa: BLE001 (never lose the message to a bug of ours: try again later)
            logger.exception("sending a Telegram message failed; trying again")
            when = time.time() + min(MAX_BACKOFF_S, 2.0 ** min(pending.attempts, 6))
            await asyncio.to_thread(self.outbox.later, pending.id, when)
            return when
        await asyncio.to_thread(self.outbox.sent, pending.id)
        if self.on_sent is not None:
            self.on_sent(pending.chat_id, pending.payload, result)
        return None

    async def run_forever(self, every_s: float = 1.0) -> None:
        """Every `every_s`, start a drain for each chat with a message due. Chats are drained side by
        side: one after the other, a hung Bot API held every chat CALL_TIMEOUT_S in turn."""
        while True:
            try:
                for chat_id in await asyncio.to_thread(self.outbox.due_chats):
                    if len(self._draining) >= DRAINS_AT_ONCE:
                        break  # the rest at the next round
                    if chat_id not in self._draining:
                        self.drain_soon(chat_id, max_wait_s=every_s)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 (the outbox database may be down: keep trying)
                logger.exception("the Telegram outbox could not be read; trying again")
            await asyncio.sleep(every_s)

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self.run_forever())

    async def stop(self) -> None:
        for task in list(self._draining.values()):  # what they held stays queued for the next start
            task.cancel()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
