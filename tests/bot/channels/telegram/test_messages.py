"""Rasa's replies as sendMessage payloads: splitting at Telegram's limit and buttons as keyboards."""

import yaml

from bot.channels.telegram.messages import CALLBACK_DATA_LIMIT, inline_keyboard, split_message
from bot.paths import PROJECT_ROOT

# ---------------------------------------------------------------- splitting


def test_a_short_message_is_one_part():
    assert split_message("  Hello.  ") == ["Hello."]
    assert split_message("x" * 4096) == ["x" * 4096]
    assert split_message("") == []


def test_a_long_message_is_cut_at_the_last_paragraph_that_fits():
    first, second = "a" * 3000, "b " * 1000
    assert split_message(f"{first}\n\n{second}") == [first, second.strip()]


def test_without_paragraphs_it_is_cut_at_a_space():
    words = " ".join(["word"] * 2000)  # 9999 characters
    parts = split_message(words)
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert all(set(p.split(" ")) == {"word"} for p in parts)  # no word is cut
    assert " ".join(parts) == words


def test_a_text_without_spaces_is_cut_hard():
    assert [len(p) for p in split_message("x" * 9000)] == [4096, 4096, 808]


def test_the_limit_counts_utf16_units_as_telegram_does():
    parts = split_message("😀" * 2049)  # each emoji is 2 units: 4098 in all
    assert [len(p) for p in parts] == [2048, 1]


# ---------------------------------------------------------------- buttons


def test_buttons_become_an_inline_keyboard_one_per_row():
    keyboard = inline_keyboard(
        [{"title": "Tablets or liquid", "payload": "tablets"}, {"title": "x", "payload": "y" * 65}]
    )
    assert keyboard == {"inline_keyboard": [[{"text": "Tablets or liquid", "callback_data": "tablets"}]]}


def test_every_button_payload_of_the_domain_fits_telegrams_callback_data():
    responses = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["responses"]
    payloads = [b["payload"] for variants in responses.values() for v in variants for b in v.get("buttons", [])]
    assert payloads and all(0 < len(p.encode("utf-8")) <= CALLBACK_DATA_LIMIT for p in payloads)
    assert not any(p.startswith("/") for p in payloads)  # they are sent to Rasa as plain text
