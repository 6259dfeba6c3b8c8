"""What every channel of ours does around Rasa's message handling, so nothing is lost in silence.

Rasa 3.6 answers nothing at all when the action server is down or an action fails: the
processor logs the error and the person gets an empty reply. For this bot that could swallow an
emergency. So each channel hands its messages to `deliver`, which

- keeps each channel's conversations apart (`conversation_id`: "rest:me", "telegram:123456",
  "webchat:<session>");
- answers a message that is not valid text (a lone surrogate) with "could not read that";
- answers a flood from one conversation (over RATE_LIMIT_BURST at once) with "slow down", except a
  message with a red flag, which is always a turn;
- refuses messages above MAX_MESSAGE_CHARS with a message (never truncates in silence), after
  scanning them for an emergency, which is answered first;
- strips a leading "/" so typed text can never use Rasa's `/intent{"slot": ...}` shortcut to
  pick an intent, set a slot or skip the triage ("/restart" becomes "restart", understood as text);
- holds what the bot says until the turn is over; when a turn produced nothing, raised or took
  longer than TURN_TIMEOUT_SECONDS, it answers from the Rasa process itself: the emergency advice
  if the conversation so far is an emergency, otherwise an apology that says to try again or to
  call the emergency number if it is urgent;
- when the conversation database failed during the turn (bot/stores/trouble.py), the reply Rasa
  computed (maybe on a conversation started afresh) is not sent: the person gets the emergency
  advice if the message is one, and "your last message was not saved, send it again".

"Is it an emergency" is decided without the action server but with everything else the bot
has: the loaded model's NLU (lexicon, ConText and the learned red-flag layer, through
`Agent.parse_message`), the findings of the earlier turns from the tracker store, and the same
triage engine as the actions. Without a loaded agent (unit tests, a model that failed to load)
the project's spaCy pipeline reads the message alone.

The texts are the domain's responses (`utter_level_emergency`, `utter_service_trouble`,
`utter_store_trouble`, `utter_unreadable`, `utter_too_fast`, `utter_message_too_long`), read from the loaded
model's domain; if it cannot be read, the same texts from bot/knowledge/channel_texts.yml.
"""

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import UserUttered

from bot.channels.buckets import TokenBuckets
from bot.knowledge.channel_texts import load_channel_texts
from bot.names import Response, Slot
from bot.nlp.plain_text import plain
from bot.nlu.entities import findings_by_turn, findings_from_entities
from bot.regions import region_said
from bot.settings import (
    RegionNumbers,
    deployment_region,
    max_message_chars,
    rate_limit_burst,
    rate_limit_refill_seconds,
    region_numbers,
    turn_timeout_seconds,
)
from bot.stores import trouble
from bot.triage import Assessment, assess, situation_from_turns, triage_payload
from bot.types import Finding

logger = logging.getLogger(__name__)

# The limits (MAX_MESSAGE_CHARS, TURN_TIMEOUT_SECONDS, RATE_LIMIT_*) are read from bot/settings.py
# when used. TURN_TIMEOUT_SECONDS is a backstop: the action server and the conversation database
# have shorter limits of their own.
# A message over the limit is scanned for an emergency in pieces of MAX_MESSAGE_CHARS, at most
# this many (a bound on the work a huge message can cause).
MAX_SCANNED_PIECES = 10
# Used only if the model's domain cannot be read: the server must still say something
# (bot/knowledge/channel_texts.yml, `fallback_texts`).
FALLBACK_TEXTS = dict(load_channel_texts().fallback_texts)


class HeldOutput:
    """Wraps an output channel and holds the turn's messages until the guard has seen the whole turn.

    Holding them lets the guard replace a reply that must not reach the person (one computed on a
    conversation the database could not read) and know whether anything was said at all.
    """

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.held: List[Tuple[Text, Dict[Text, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.held.append((recipient_id, message))

    @property
    def sent(self) -> int:
        return len(self.held)

    async def release(self, recipient_id: Text) -> None:
        """Send what was held, to the channel's own id for the person (not Rasa's conversation id)."""
        for _, message in self.held:
            await self.inner.send_response(recipient_id, message)


async def findings_in(text: Text, agent: Any = None) -> List[Finding]:
    """What the bot reads in `text`: the loaded model's NLU if there is one, else our spaCy pipeline."""
    parse = getattr(agent, "parse_message", None)
    if parse is not None:
        try:
            return findings_from_entities((await parse(text)).get("entities") or [])
        except Exception:  # noqa: BLE001 (fall back to the pipeline below)
            logger.exception("the model could not read a message; using the spaCy pipeline alone")
    from bot.nlp.findings import findings_of_text  # spaCy and medspaCy only when needed

    return findings_of_text(text)


async def stored_tracker(agent: Any, sender_id: Optional[Text]) -> Any:
    """The conversation so far from the tracker store, or None (no store, no conversation, or the
    store failed: the message is then judged alone)."""
    store = getattr(agent, "tracker_store", None)
    if not sender_id or store is None:
        return None
    try:
        return await store.retrieve(sender_id)
    except Exception:  # noqa: BLE001 (the store may be what failed)
        logger.exception("the conversation could not be read; judging the message alone")
        return None


def earlier_turns(tracker: Any) -> Tuple[List[List[Finding]], Optional[Text]]:
    """The findings of the conversation so far and the route slot (none without a tracker)."""
    if tracker is None:
        return [], None
    return findings_by_turn([e.as_dict() for e in tracker.events]), tracker.get_slot(Slot.ROUTE)


async def emergency_in(text: Text, agent: Any = None, tracker: Any = None) -> Optional[Assessment]:
    """The triage of the conversation so far (`tracker`) with this text, if it is an emergency (same
    rules as the actions)."""
    turns, route = earlier_turns(tracker)
    assessment = assess(situation_from_turns([*turns, await findings_in(text, agent)], route_slot=route))
    return assessment if assessment.is_emergency else None


def numbers_said(text: Text, tracker: Any = None) -> RegionNumbers:
    """The deployment's numbers, or those of the region the person said they are in (bot/regions.py),
    read from the conversation so far (`tracker`) and this text."""
    texts = [str(e.text or "") for e in (tracker.events if tracker else []) if isinstance(e, UserUttered)]
    return region_numbers(said=region_said([*texts, text], deployment_region()))


def response_text(agent: Any, name: Text, numbers: Optional[RegionNumbers] = None, **values: Any) -> Text:
    """The first text variant of the loaded domain's response, with the region's numbers filled in."""
    template = FALLBACK_TEXTS[name]
    try:
        template = agent.domain.responses[name][0]["text"]
    except (AttributeError, KeyError, IndexError, TypeError):
        logger.warning("response %s not found in the domain; using the built-in text", name)
    numbers = numbers or region_numbers()
    fill = {"emergency_number": numbers.emergency_number, "crisis_line": numbers.crisis_line, **values}
    return template.format(**fill)


def clean_text(text: Optional[Text]) -> Text:
    """The text as we hand it to Rasa: made plain (curly apostrophes straight, bot/nlp/plain_text.py)
    and a leading "/" (Rasa's intent shortcut) removed."""
    return plain(text or "").lstrip().lstrip("/")


def conversation_id(channel: Optional[Text], sender_id: Text) -> Text:
    """The id Rasa keeps a conversation under: the channel's name, a colon, the channel's own id.

    Each channel's conversations stay apart: a REST caller who sends a Telegram person's chat id as
    its `sender` reaches "rest:123456", never that person's "telegram:123456".
    """
    return f"{channel}:{sender_id}" if channel else sender_id


class RateLimit:
    """At most `burst` messages at once per conversation, then one every `refill_seconds` (per
    process; by default RATE_LIMIT_BURST and RATE_LIMIT_REFILL_SECONDS, read when first used).

    A flood from one sender (a script, a stuck key) is answered at once with "slow down" instead of
    queueing behind the conversation's lock, where it timed out other people's turns too.
    """

    def __init__(self, burst: Optional[int] = None, refill_seconds: Optional[float] = None) -> None:
        self._burst, self._refill_seconds = burst, refill_seconds
        self._buckets: Optional[TokenBuckets] = None

    @property
    def burst(self) -> int:
        return self._burst if self._burst is not None else rate_limit_burst()

    @property
    def refill_seconds(self) -> float:
        return self._refill_seconds if self._refill_seconds is not None else rate_limit_refill_seconds()

    def allow(self, key: Text, now: Optional[float] = None) -> bool:
        if self._buckets is None:  # the settings are read once, at the first message
            self._burst, self._refill_seconds = self.burst, self.refill_seconds
            self._buckets = TokenBuckets(self._burst, 1.0 / self._refill_seconds)
        return self._buckets.take(key, time.monotonic() if now is None else now)


RATE_LIMIT = RateLimit()


async def deliver(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    agent: Any = None,
) -> None:
    """Hand `message` to Rasa; make sure the person gets an answer whatever happens.

    `agent` is the loaded Rasa agent (`app.ctx.agent`), or None. Replies go to the output channel
    with the channel's own sender id; Rasa keeps the conversation under `conversation_id`.
    """
    output = message.output_channel
    text = message.text or ""
    conversation = conversation_id(message.input_channel, message.sender_id)
    if not readable(text):
        await output.send_response(message.sender_id, {"text": response_text(agent, Response.UNREADABLE)})
        return
    if len(text) > max_message_chars():
        await refuse_too_long(output, message.sender_id, text, agent)
        return
    if not RATE_LIMIT.allow(conversation) and await emergency_in(clean_text(text), agent) is None:
        # A red flag is never turned away by the limit: it goes to Rasa like any turn, so the
        # conversation keeps it. Answered here and dropped, a seizure told during a flood was missing
        # from the assessment that followed, which came out urgent.
        await output.send_response(message.sender_id, {"text": response_text(agent, Response.TOO_FAST)})
        return
    held = HeldOutput(output)
    safe = UserMessage(
        clean_text(text),
        held,
        conversation,
        input_channel=message.input_channel,
        message_id=message.message_id,
        metadata=message.metadata,
    )
    started = time.monotonic()
    try:
        await asyncio.wait_for(on_new_message(safe), turn_timeout_seconds())
    except Exception:  # noqa: BLE001 (any failure, a timeout included, must still be answered)
        logger.exception("handling a message failed or took too long (text not logged)")
        if held.sent:  # part of the answer was ready: send it and say the rest was lost
            await held.release(message.sender_id)
            await output.send_response(message.sender_id, {"text": response_text(agent, Response.SERVICE_TROUBLE)})
            return
    if trouble.failed_since(conversation, started):
        # The reply was computed on a conversation the database could not read or keep: never send
        # it as if all were well (it may be a fresh start that forgot everything said before).
        logger.error("the conversation database failed during a turn; the guard answers it")
        await advice_then(output, message.sender_id, safe.text or "", agent, Response.STORE_TROUBLE)
        return
    if held.sent == 0:
        await answer_when_silent(output, message.sender_id, safe.text or "", agent, conversation)
        return
    await held.release(message.sender_id)


def readable(text: Text) -> bool:
    """Text that can be stored and sent: a lone surrogate ("\\ud800" in JSON) cannot be encoded."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def advice_then(output: OutputChannel, sender_id: Text, text: Text, agent: Any, response: Text) -> None:
    """The emergency advice if `text` alone is an emergency, then the domain's `response`.

    For the turns the guard answers without Rasa: the database failed, the sender is too fast.
    """
    assessment = await emergency_in(clean_text(text), agent) if text.strip() else None
    numbers = numbers_said(text)
    if assessment is not None:
        for m in emergency_messages(assessment, agent, numbers):
            await output.send_response(sender_id, m)
    await output.send_response(sender_id, {"text": response_text(agent, response, numbers)})


async def refuse_too_long(output: OutputChannel, sender_id: Text, text: Text, agent: Any) -> None:
    """Too long to process as a turn: any emergency in it is answered first, then the refusal."""
    limit = max_message_chars()
    pieces = [text[i : i + limit] for i in range(0, len(text), limit)]
    numbers = region_numbers(said=region_said(pieces[:MAX_SCANNED_PIECES], deployment_region()))
    for piece in pieces[:MAX_SCANNED_PIECES]:
        assessment = await emergency_in(clean_text(piece), agent)
        if assessment is not None:
            for m in emergency_messages(assessment, agent, numbers):
                await output.send_response(sender_id, m)
            break
    refusal = response_text(agent, Response.MESSAGE_TOO_LONG, numbers, max_chars=limit)
    await output.send_response(sender_id, {"text": refusal})


def emergency_messages(
    assessment: Assessment, agent: Any, numbers: Optional[RegionNumbers] = None
) -> List[Dict[Text, Any]]:
    """The emergency advice as the guard sends it (marked `fallback`: not from the actions)."""
    numbers = numbers or region_numbers()
    payload = triage_payload(assessment, numbers, fallback=True)
    messages = [{"text": response_text(agent, Response.LEVEL_EMERGENCY, numbers), "custom": {"triage": payload}}]
    if assessment.crisis_line:
        messages.append({"text": response_text(agent, Response.CRISIS_LINE, numbers)})
    return messages


async def answer_when_silent(
    output: OutputChannel, sender_id: Text, text: Text, agent: Any, conversation: Optional[Text] = None
) -> None:
    """The turn produced no reply: the emergency advice if due (the conversation so far), else an apology."""
    logger.error("the bot produced no reply for a message (action server down or failed?)")
    tracker = await stored_tracker(agent, conversation or sender_id)  # read once, for both
    assessment = await emergency_in(text, agent, tracker) if text.strip() else None
    numbers = numbers_said(text, tracker)
    if assessment is not None:
        messages = emergency_messages(assessment, agent, numbers)
    else:
        messages = [{"text": response_text(agent, Response.SERVICE_TROUBLE, numbers)}]
    for m in messages:
        await output.send_response(sender_id, m)
