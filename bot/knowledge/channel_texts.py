"""What the channels say to people in their own words (bot/knowledge/channel_texts.yml).

These sentences (Telegram's notes, the web chat's refusals, the guard's fallbacks) are not Rasa's
domain responses, but a person reads them all the same: they are data, so that a clinician reviews
them in one place. Strict loading (a missing or unknown key raises `CatalogueError`) so a renamed or
forgotten text fails at start-up and in the tests, never as a gap in a conversation.
"""

from dataclasses import dataclass, fields
from functools import lru_cache
from string import Formatter
from typing import AbstractSet, Any, Dict, Mapping

from bot.knowledge._files import read_yaml
from bot.knowledge.catalogue import CatalogueError
from bot.names import Response

CHANNEL_TEXTS_FILE = "channel_texts.yml"
# The domain responses bot/channels/guard.py can send when the model's domain cannot be read.
FALLBACK_RESPONSES = frozenset(
    {
        Response.LEVEL_EMERGENCY,
        Response.SERVICE_TROUBLE,
        Response.MESSAGE_TOO_LONG,
        Response.CRISIS_LINE,
        Response.STORE_TROUBLE,
        Response.UNREADABLE,
        Response.TOO_FAST,
    }
)
# What the guard fills into a fallback text (bot/channels/guard.py, `response_text`).
FALLBACK_PLACEHOLDERS = frozenset({"emergency_number", "crisis_line", "max_chars"})


@dataclass(frozen=True)
class ChannelTexts:
    """One field per key of the file; the field names are the file's keys."""

    not_text_reply: str
    attachment_note: str
    apology: str
    group_note: str
    stale_button_note: str
    choose_prompt: str
    not_a_message: str
    reload_page: str
    fallback_texts: Mapping[str, str]

    @classmethod
    def from_dict(cls, data: Any) -> "ChannelTexts":
        keys = {f.name for f in fields(cls)}
        _check_keys(CHANNEL_TEXTS_FILE, data, keys)
        _check_keys(f"{CHANNEL_TEXTS_FILE} fallback_texts", data["fallback_texts"], FALLBACK_RESPONSES)
        fallbacks = {name: _text(name, text) for name, text in data["fallback_texts"].items()}
        for name, text in fallbacks.items():
            unknown = {field for _, field, _, _ in Formatter().parse(text) if field is not None} - FALLBACK_PLACEHOLDERS
            if unknown:
                raise CatalogueError(f"fallback text {name!r}: unknown placeholders {sorted(unknown)}")
        values: Dict[str, Any] = {key: _text(key, data[key]) for key in keys - {"fallback_texts"}}
        return cls(**values, fallback_texts=fallbacks)


def _check_keys(where: str, data: Any, expected: AbstractSet[str]) -> None:
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{where}: expected a mapping, got {type(data).__name__}")
    missing, unknown = expected - data.keys(), data.keys() - expected
    if missing:
        raise CatalogueError(f"{where}: missing keys {sorted(missing)}")
    if unknown:
        raise CatalogueError(f"{where}: unknown keys {sorted(unknown)}")


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"channel text {key!r} must be a non-empty text")
    return " ".join(value.split())


@lru_cache(maxsize=1)
def load_channel_texts() -> ChannelTexts:
    """The shipped texts (read once)."""
    return ChannelTexts.from_dict(read_yaml(CHANNEL_TEXTS_FILE))
