"""Naming another language only when it is clear: English, short or unreadable text stays English."""

import pytest

from bot.language import emergency_texts, other_language, other_language_texts, red_flag_words


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


@pytest.mark.parametrize(
    "text, code, words",
    [
        ("Tengo fiebre y estoy confundido", "es", ["fiebre", "confundid"]),
        ("Ma femme ne se réveille pas", "fr", ["ne se reveille"]),
        ("Mój mąż nie oddycha", "pl", ["nie oddycha"]),
        ("mi esposo toma baclofeno y esta bien", "es", []),
        ("unafiebre", "es", []),  # only at a word's start
        ("tengo fiebre", "xx", []),  # a language without a list
    ],
)
def test_red_flag_words_are_read_at_a_words_start_with_or_without_accents(text, code, words):
    assert red_flag_words(text, code) == words


def test_every_language_has_red_flags_and_an_emergency_line_with_the_number():
    assert set(emergency_texts()) == set(other_language_texts())
    assert all("{emergency_number}" in t for t in emergency_texts().values())
