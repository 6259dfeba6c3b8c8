"""What every channel of ours does around Rasa's message handling, so nothing is lost in silence.

Rasa 3.6 answers nothing at all when the action server is down or an action fails: the
processor logs the error and the person gets an empty reply. For this bot that could swallow an
emergency. So each channel hands its messages to `deliver`, which

- refuses messages above MAX_MESSAGE_CHARS with a message (never truncates in silence);
- strips a leading "/" so typed text can never use Rasa's `/intent{"slot": ...}` shortcut to
  pick an intent, set a slot or skip the triage ("/restart" becomes "restart", understood as text);
- counts what the bot sent; when a turn produced nothing (or raised), it answers from the Rasa
  process itself: the emergency advice if the message is an emergency on its own (our own
  pipeline and triage engine, no action server needed), otherwise an apology that says to try
  again or to call the emergency number if it is urgent.

The texts are the domain's responses (`utter_level_emergency`, `utter_service_trouble`,
`utter_message_too_long`), read from the loaded model's domain.
"""

import logging
import os
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.settings import region_numbers
from bot.triage import Assessment, assess, situation_from_turns

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = int(os.environ.get("MAX_MESSAGE_CHARS", "2000"))
FALLBACK_TEXTS = {
    # Used only if the model's domain cannot be read: the server must still say something.
    "utter_level_emergency": "EMERGENCY: call {emergency_number} now, or ask someone to call for you.",
    "utter_service_trouble": "Sorry, something went wrong on our side. Please try again in a minute. "
    "If this is urgent, call {emergency_number} now.",
    "utter_message_too_long": "Your message is too long (at most {max_chars} characters). "
    "Please send it in shorter parts.",
    "utter_crisis_line": "If you are thinking about harming yourself, you can also call or text {crisis_line}.",
}


class CountingOutput:
    """Wraps an output channel and counts the messages sent through it."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    from bot.nlp.pipeline import build_pipeline

    return build_pipeline()


def emergency_in(text: Text) -> Optional[Assessment]:
    """The triage of this text alone, if it is an emergency (same rules as the actions)."""
    from bot.nlp import extract_findings

    assessment = assess(situation_from_turns([extract_findings(_pipeline()(text.lower()))]))
    return assessment if assessment.is_emergency else None


def response_text(domain: Any, name: Text, **values: Any) -> Text:
    """The first text variant of a domain response, with the region's numbers filled in."""
    template = FALLBACK_TEXTS[name]
    try:
        template = domain.responses[name][0]["text"]
    except (AttributeError, KeyError, IndexError, TypeError):
        logger.warning("response %s not found in the domain; using the built-in text", name)
    numbers = region_numbers()
    fill = {"emergency_number": numbers.emergency_number, "crisis_line": numbers.crisis_line, **values}
    return template.format(**fill)


def clean_text(text: Optional[Text]) -> Text:
    """The text as we hand it to Rasa: a leading "/" (Rasa's intent shortcut) is removed."""
    return (text or "").lstrip().lstrip("/")


async def deliver(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    domain: Any = None,
) -> None:
    """Hand `message` to Rasa; make sure the person gets an answer whatever happens."""
    output = message.output_channel
    text = message.text or ""
    if len(text) > MAX_MESSAGE_CHARS:
        await output.send_response(
            message.sender_id,
            {"text": response_text(domain, "utter_message_too_long", max_chars=MAX_MESSAGE_CHARS)},
        )
        return
    counting = CountingOutput(output)
    safe = UserMessage(
        clean_text(text),
        counting,  # type: ignore[arg-type]
        message.sender_id,
        input_channel=message.input_channel,
        message_id=message.message_id,
        metadata=message.metadata,
    )
    try:
        await on_new_message(safe)
    except Exception:  # noqa: BLE001 (any failure must still be answered)
        logger.exception("handling a message failed (text not logged)")
        if counting.sent:  # part of the answer went out: say the rest was lost
            await output.send_response(message.sender_id, {"text": response_text(domain, "utter_service_trouble")})
            return
    if counting.sent == 0:
        await answer_when_silent(output, message.sender_id, safe.text or "", domain)


async def answer_when_silent(output: OutputChannel, sender_id: Text, text: Text, domain: Any) -> None:
    """The turn produced no reply: the emergency advice if due, else an apology."""
    logger.error("the bot produced no reply for a message (action server down or failed?)")
    assessment = emergency_in(text) if text.strip() else None
    messages: List[Dict[Text, Any]]
    if assessment is not None:
        numbers = region_numbers()
        payload = {
            **assessment.payload(),
            "contact": {
                "emergency_number": numbers.emergency_number,
                "crisis_line": numbers.crisis_line if assessment.crisis_line else None,
            },
            "fallback": True,
        }
        messages = [{"text": response_text(domain, "utter_level_emergency"), "custom": {"triage": payload}}]
        if assessment.crisis_line:
            messages.append({"text": response_text(domain, "utter_crisis_line")})
    else:
        messages = [{"text": response_text(domain, "utter_service_trouble")}]
    for m in messages:
        await output.send_response(sender_id, m)
