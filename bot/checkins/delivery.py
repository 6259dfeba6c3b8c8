"""Check-ins on Rasa's own reminders: delivered to the person's channel, once, and after a restart.

An action schedules a check-in with Rasa's `ReminderScheduled` event, so it lives in the
conversation's tracker. Rasa 3.6 then keeps it only in the memory of one process (APScheduler)
and, when it fires, sends the replies to the output channel of the turn that scheduled it, which
for every channel here is a per-turn collector long gone. Three changes make check-ins dependable:

1. `install()` replaces `MessageProcessor.handle_reminder` for check-ins (reminders named
   `checkin_...`; any other reminder keeps Rasa's handling). Under the conversation's lock it
   reads the whole conversation and fires only if the check-in is still pending there (not
   fired, cancelled or wiped by "start again": `bot.checkins.plan.pending`). With two processes
   on one database and a Redis lock store, the second to fire sees the first one's event and
   stays silent; a cancel handled by the other process is seen the same way. The replies are
   collected and handed to the outlet of the conversation's channel (`register_outlet`):
   Telegram's durable outbox, the web widget's socket.io room, a REST integrator's callback URL.
2. `restore(agent)` schedules again, at start-up, every check-in that the conversations hold as
   pending (one that fell due while the server was down fires at once).
3. Conversations with no outlet (REST without a callback URL, a page that is closed) still get
   the check-in in their tracker; the web widget shows it when the page comes back
   (`bot/channels/webchat.py`).

Both are Rasa internals (`handle_reminder`, `jobs.scheduler`): `tests/bot/checkins/test_delivery.py`
fails loudly if Rasa changes their signatures.
"""

from __future__ import annotations

import inspect
import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Text, Tuple

from rasa.core import jobs
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ReminderScheduled

from bot.checkins.plan import CHECKIN_ENTITY, CHECKIN_INTENT, NAME_PREFIX, Pending, fired_name, pending

logger = logging.getLogger(__name__)

# An outlet sends a check-in's replies to a person: (the channel's own id, the messages).
Outlet = Callable[[Text, List[Dict[Text, Any]]], Awaitable[None]]
_OUTLETS: Dict[Text, Outlet] = {}
# A check-in that fell due while the server was down fires this long after the start.
RESTORE_DELAY_SECONDS = 2.0
_ORIGINAL_HANDLE_REMINDER = MessageProcessor.handle_reminder


def register_outlet(channel: Text, outlet: Outlet) -> None:
    """Channel `channel` (the prefix of its conversation ids) delivers check-ins with `outlet`.

    Also installs the routing: a channel that can deliver check-ins must never have them go to
    Rasa's per-turn collector instead."""
    install()
    _OUTLETS[channel] = outlet


def split_conversation_id(conversation_id: Text) -> Tuple[Text, Text]:
    """("telegram", "123") from "telegram:123"; ("", id) for an id without a channel."""
    channel, sep, own_id = conversation_id.partition(":")
    return (channel, own_id) if sep else ("", conversation_id)


class _Collector(CollectingOutputChannel):
    """Collects a check-in's replies under the channel's name (channel-specific responses apply)."""

    def __init__(self, channel: Text) -> None:
        super().__init__()
        self._channel = channel or "collector"

    def name(self) -> Text:  # an instance method: Rasa declares a classmethod, but the name varies here
        return self._channel


def _events(tracker: Any) -> List[Dict[Text, Any]]:
    return [e.as_dict() for e in tracker.events]


async def fire_checkin(
    processor: MessageProcessor, reminder: ReminderScheduled, conversation_id: Text
) -> Optional[List[Dict[Text, Any]]]:
    """Fire one check-in if the conversation still has it pending: its messages, else None."""
    channel, _ = split_conversation_id(conversation_id)
    collector = _Collector(channel)
    async with processor.lock_store.lock(conversation_id):
        # The whole conversation: a check-in scheduled before the latest session start is still due.
        full = await processor.tracker_store.retrieve_full_tracker(conversation_id)
        if full is None or reminder.name not in {p.name for p in pending(_events(full))}:
            logger.info("check-in %s not fired: already fired, cancelled or restarted", reminder.name)
            return None
        tracker = await processor.fetch_tracker_and_update_session(conversation_id, collector)
        await processor.trigger_external_user_uttered(reminder.intent, reminder.entities, tracker, collector)
    return [{k: v for k, v in m.items() if k != "recipient_id"} for m in collector.messages]


async def deliver_checkin(processor: MessageProcessor, reminder: ReminderScheduled, conversation_id: Text) -> None:
    """Fire a due check-in and hand its messages to the outlet of the conversation's channel."""
    messages = await fire_checkin(processor, reminder, conversation_id)
    if messages is None:
        return
    channel, own_id = split_conversation_id(conversation_id)
    outlet = _OUTLETS.get(channel)
    if outlet is None:
        logger.info("check-in %s fired; channel %r cannot write first: it waits", reminder.name, channel)
        return
    try:
        await outlet(own_id, messages)
    except Exception:  # noqa: BLE001 (the check-in is in the tracker; the channel shows it when it can)
        logger.exception("check-in %s fired but its channel %r could not deliver it now", reminder.name, channel)


async def advance(processor: MessageProcessor, conversation_id: Text, hours: float) -> List[Dict[Text, Any]]:
    """Fire now, in order, the conversation's check-ins due within `hours` (for clinicians' scenarios,
    which cannot wait): their messages. A job still on the scheduler finds them fired and does nothing."""
    store = processor.tracker_store
    full = await store.retrieve_full_tracker(conversation_id)
    limit = datetime.now(timezone.utc) + timedelta(hours=hours)
    messages: List[Dict[Text, Any]] = []
    for item in pending(_events(full)) if full is not None else []:
        if item.due <= limit:
            messages += await fire_checkin(processor, reminder_for(item), conversation_id) or []
    return messages


async def _handle_reminder(
    self: MessageProcessor, reminder_event: ReminderScheduled, sender_id: Text, output_channel: OutputChannel
) -> None:
    if str(reminder_event.name).startswith(NAME_PREFIX):
        await deliver_checkin(self, reminder_event, sender_id)
        return
    await _ORIGINAL_HANDLE_REMINDER(self, reminder_event, sender_id, output_channel)


def install() -> None:
    """Route check-in reminders through `fire_checkin` (idempotent)."""
    MessageProcessor.handle_reminder = _handle_reminder


async def allow_late_jobs() -> None:
    """Run a check-in however late its job starts.

    APScheduler skips a job that cannot start within `misfire_grace_time` of its time (1 s by
    default, which Rasa keeps), logging only a warning: a check-in due while the server was busy
    for a second was dropped. Rasa adds the jobs itself, so the scheduler's own default is changed
    (a private attribute of APScheduler 3, which has no public setter for a running scheduler's
    defaults; `tests/bot/test_rasa_private_apis.py` checks it is still what `add_job` reads).
    """
    scheduler = await jobs.scheduler()
    scheduler._job_defaults["misfire_grace_time"] = None


def reminder_for(item: Pending) -> ReminderScheduled:
    """The reminder event Rasa fires for a pending check-in."""
    return ReminderScheduled(
        CHECKIN_INTENT,
        trigger_date_time=item.due,
        entities=[{"entity": CHECKIN_ENTITY, "value": item.name}],
        name=item.name,
        kill_on_user_message=False,
    )


async def schedule(processor: MessageProcessor, conversation_id: Text, items: Sequence[Pending]) -> None:
    """Put pending check-ins on Rasa's scheduler (a job per check-in, keyed by its unique name)."""
    scheduler = await jobs.scheduler()
    soonest = datetime.now(timezone.utc) + timedelta(seconds=RESTORE_DELAY_SECONDS)
    for item in items:
        event = reminder_for(item)
        scheduler.add_job(
            processor.handle_reminder,
            "date",
            run_date=max(item.due, soonest),
            args=[event, conversation_id, None],
            id=item.name,
            replace_existing=True,
            name=event.scheduled_job_name(conversation_id),
            misfire_grace_time=None,
        )


async def restore(agent: Any) -> int:
    """Schedule again every pending check-in of every conversation; the number scheduled."""
    store, processor = agent.tracker_store, agent.processor
    if store is None or processor is None:
        return 0
    # The Agent wraps the configured store in a FailSafeTrackerStore, which exposes the wrapped one
    # only as its private `_tracker_store` (checked in tests/bot/test_rasa_private_apis.py).
    inner = getattr(store, "_tracker_store", store)
    if hasattr(inner, "conversations_with_event"):
        conversations = await inner.conversations_with_event("reminder")
    else:
        conversations = list(await store.keys())
    count = 0
    for conversation_id in conversations:
        tracker = await store.retrieve_full_tracker(conversation_id)
        items = pending(_events(tracker)) if tracker is not None else []
        if items:
            await schedule(processor, conversation_id, items)
            count += len(items)
    logger.info("check-ins restored: %d pending in %d conversations looked at", count, len(conversations))
    return count


def waiting_checkin(events: Sequence[Mapping[str, Any]]) -> Tuple[Optional[Text], List[Dict[Text, Any]]]:
    """(name, messages) of a check-in that fired and has had no answer yet, else (None, []).

    For a channel that could not deliver it at the time (a closed web page): the bot's messages
    after the check-in, to show when the person comes back.
    """
    name: Optional[Text] = None
    messages: List[Dict[Text, Any]] = []
    for event in events:
        if event.get("event") == "user":
            name, messages = fired_name(event), []
        elif event.get("event") == "bot" and name:
            data = event.get("data") or {}
            message = {"text": event.get("text"), **{k: v for k, v in data.items() if v}}
            messages.append({k: v for k, v in message.items() if v})
    return (name, messages) if name else (None, [])


def checkin_name(messages: Sequence[Mapping[str, Any]]) -> Optional[Text]:
    """The check-in a batch of messages belongs to (`custom.checkin.id` of its greeting)."""
    for message in messages:
        checkin = (message.get("custom") or {}).get("checkin")
        if isinstance(checkin, dict) and checkin.get("id"):
            return str(checkin["id"])
    return None


def rasa_signatures_match() -> bool:
    """The Rasa internals this module relies on still look as they did in Rasa 3.6."""
    handle = inspect.signature(_ORIGINAL_HANDLE_REMINDER)
    trigger = inspect.signature(MessageProcessor.trigger_external_user_uttered)
    return list(handle.parameters) == ["self", "reminder_event", "sender_id", "output_channel"] and list(
        trigger.parameters
    ) == ["self", "intent_name", "entities", "tracker", "output_channel"]
