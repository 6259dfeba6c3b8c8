"""Rasa's replies as Bot API `sendMessage` payloads: split at Telegram's limit, buttons as keyboards.

Pure (no I/O), and apart from the channel so that replies and check-ins take the same shape and the
limits Telegram sets (4096 UTF-16 units a message, 64 bytes of callback data) are kept in one place.
"""

import logging
from typing import Any, Dict, List, Optional, Text, Union

from bot.knowledge.channel_texts import load_channel_texts
from bot.names import Level

logger = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096  # Telegram's limit for one message, in UTF-16 code units
CALLBACK_DATA_LIMIT = 64  # bytes
# The text of a reply that has buttons but no words (bot/knowledge/channel_texts.yml).
CHOOSE_PROMPT = load_channel_texts().choose_prompt


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


def send_message_payloads(chat_id: Text, message: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """The sendMessage calls for one of Rasa's replies: its text split at Telegram's limit, buttons as
    an inline keyboard on the last part; custom payloads (such as `triage`) are for machines: none."""
    text, buttons = message.get("text"), message.get("buttons") or message.get("quick_replies")
    if not text and not buttons:
        return []
    parts = split_message(str(text or "")) or [CHOOSE_PROMPT]
    payloads: List[Dict[Text, Any]] = [{"chat_id": telegram_chat_id(chat_id), "text": part} for part in parts]
    keyboard = inline_keyboard(buttons) if buttons else None
    if keyboard:
        payloads[-1]["reply_markup"] = keyboard
    return payloads


def is_emergency_turn(messages: List[Dict[Text, Any]]) -> bool:
    """Whether a turn's replies carry the emergency advice (its messages then go before older ones)."""
    return any(((m.get("custom") or {}).get("triage") or {}).get("level") == Level.EMERGENCY for m in messages)


def telegram_chat_id(recipient_id: Text) -> Union[int, Text]:
    """Rasa's recipient id as the Bot API's chat_id: a number when it is one."""
    try:
        return int(recipient_id)
    except ValueError:
        return recipient_id
