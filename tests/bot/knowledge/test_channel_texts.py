"""What the channels say in their own words: the file loads, every text is used, and the loader is strict."""

import copy
import re
from dataclasses import fields

import pytest
import yaml

from bot.knowledge._files import read_yaml
from bot.knowledge.catalogue import CatalogueError
from bot.knowledge.channel_texts import (
    CHANNEL_TEXTS_FILE,
    FALLBACK_RESPONSES,
    ChannelTexts,
    load_channel_texts,
)
from bot.names import Response
from bot.paths import PROJECT_ROOT

TEXT_KEYS = [f.name for f in fields(ChannelTexts) if f.name != "fallback_texts"]


@pytest.fixture()
def raw():
    return copy.deepcopy(read_yaml(CHANNEL_TEXTS_FILE))


def code() -> str:
    """The bot's Python code, without the loader itself."""
    loader = PROJECT_ROOT / "bot" / "knowledge" / "channel_texts.py"
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "bot").rglob("*.py")) if p != loader)


def test_the_shipped_texts_load():
    texts = load_channel_texts()
    assert all(getattr(texts, key) for key in TEXT_KEYS)
    assert set(texts.fallback_texts) == FALLBACK_RESPONSES
    assert texts.not_text_reply.startswith("Sorry, I can only read text messages")
    assert "{emergency_number}" in texts.fallback_texts["utter_level_emergency"]


def test_every_text_is_used_by_the_code():
    source = code()
    unused = [key for key in TEXT_KEYS if not re.search(rf"\.{key}\b", source)]
    assert unused == [], "texts in channel_texts.yml that no channel sends"
    assert re.search(r"\.fallback_texts\b", source)
    guard = (PROJECT_ROOT / "bot" / "channels" / "guard.py").read_text(encoding="utf-8")
    # The guard names each response through bot.names (`Response.TOO_FAST`, ...).
    constants = {value: key for key, value in vars(Response).items() if key.isupper()}
    assert [name for name in sorted(FALLBACK_RESPONSES) if f"Response.{constants[name]}" not in guard] == []


def test_every_fallback_stands_in_for_a_response_of_the_domain():
    responses = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    assert FALLBACK_RESPONSES <= responses.keys()


@pytest.mark.parametrize("key", ["group_note", "fallback_texts"])
def test_a_missing_key_raises(raw, key):
    del raw[key]
    with pytest.raises(CatalogueError, match=f"missing keys.*{key}"):
        ChannelTexts.from_dict(raw)


def test_a_missing_fallback_raises(raw):
    del raw["fallback_texts"]["utter_too_fast"]
    with pytest.raises(CatalogueError, match="missing keys.*utter_too_fast"):
        ChannelTexts.from_dict(raw)


def test_an_unknown_key_raises(raw):
    raw["group_notes"] = "a typo of group_note"
    with pytest.raises(CatalogueError, match="unknown keys.*group_notes"):
        ChannelTexts.from_dict(raw)


@pytest.mark.parametrize("value", ["", "   ", None, ["a list"]])
def test_an_empty_or_non_text_value_raises(raw, value):
    raw["apology"] = value
    with pytest.raises(CatalogueError, match="apology"):
        ChannelTexts.from_dict(raw)


def test_a_fallback_with_an_unknown_placeholder_raises(raw):
    raw["fallback_texts"]["utter_level_emergency"] = "EMERGENCY: call {emergency_numbr} now."
    with pytest.raises(CatalogueError, match="emergency_numbr"):
        ChannelTexts.from_dict(raw)


def test_line_breaks_in_a_text_are_read_as_one_space(raw):
    raw["apology"] = "Sorry,\n  something went wrong.\n"
    assert ChannelTexts.from_dict(raw).apology == "Sorry, something went wrong."
