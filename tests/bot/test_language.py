"""Naming another language only when it is clear: English, short or unreadable text stays English."""

import pytest

from bot.language import other_language, other_language_texts


@pytest.mark.parametrize(
    "text, code",
    [
        ("mi esposo tiene convulsiones, toma baclofeno", "es"),
        ("meu pai parou o baclofeno e está com convulsão", "pt"),
        ("Ich habe Baclofen abgesetzt und sehe Dinge, die nicht da sind", "de"),
        ("mijn vrouw heeft koorts en ziet dingen", "nl"),
    ],
)
def test_a_clear_other_language_is_named(text, code):
    assert other_language(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "i ran out of baclofen and my hands are shaking",
        "my legs r so tite cant sleep",
        "stopped baclofen, tengo fiebre",  # mixed: the English reading is kept
        "si",
        "asdf qwerty uiop",
        "😭😭😭",
        "",
    ],
)
def test_english_short_or_unreadable_text_is_not_named(text):
    assert other_language(text) is None


def test_every_language_text_gives_the_emergency_number():
    assert all("{emergency_number}" in t for t in other_language_texts().values())
