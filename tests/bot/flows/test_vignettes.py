"""Vignettes: reading the bot's replies, and an outcome's under- and over-triage."""

from pathlib import Path

import pytest

from bot.flows.vignettes import Outcome, Vignette, asks_question, load_vignettes, triage_level


def test_reading_replies():
    replies = [
        {"text": "Why?"},
        {"custom": {"triage": {"level": "urgent"}}},
        {"custom": {"triage": {"level": "emergency"}}},
    ]
    assert triage_level(replies) == "emergency"
    assert triage_level([{"text": "hello"}]) is None
    assert asks_question([{"text": "tablets or a pump?"}])
    assert asks_question([{"text": "Choose one", "buttons": [{"title": "a"}]}])
    assert not asks_question([{"text": "Take care."}])


def test_an_outcome_is_under_or_over_triage_only_below_or_above_every_accepted_level():
    def outcome(accept, level):
        return Outcome(Vignette("v", accept, ["t"], []), level=level)

    assert outcome(["emergency"], "urgent").under and not outcome(["emergency"], "urgent").over
    assert outcome(["routine", "urgent"], "emergency").over
    between = outcome(["routine", "emergency"], "urgent")
    assert not between.accepted and not between.under and not between.over
    assert outcome(["none", "self_care"], "none").verdict == "accepted"


def test_a_vignette_set_loads_with_its_default_followups(tmp_path):
    path = tmp_path / "set.yml"
    path.write_text(
        "defaults:\n  followups: [tablets]\nvignettes:\n"
        "  - id: 1\n    accept: [emergency]\n    turns: [I see bugs]\n"
        "  - id: 2\n    accept: [routine]\n    turns: [sleepy]\n    followups: [pump]\n",
        encoding="utf-8",
    )
    first, second = load_vignettes(path)
    assert (first.id, first.followups, second.followups) == ("1", ["tablets"], ["pump"])
    path.write_text("vignettes:\n  - id: 3\n    accept: [emergancy]\n    turns: [hi]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown levels"):
        load_vignettes(path)


@pytest.mark.parametrize("path", sorted((Path(__file__).resolve().parents[2] / "vignettes").glob("*.yml")), ids=str)
def test_the_shipped_vignette_sets_load(path):
    assert load_vignettes(path)
