"""The real-language corpus: its format, and a frozen part that stays apart."""

import pytest

from bot.corpus import (
    ALL_DEV_FILES,
    DEV_FILE,
    FROZEN_FILE,
    FROZEN_FILES,
    CorpusError,
    Statement,
    load_statements,
    overlapping,
)

GOOD = {
    "id": "x1",
    "turns": ["my husband is talking to people who aren't there"],
    "accept": ["emergency"],
    "level": "emergency",
    "category": "hallucinations",
    "kind": "real",
    "speaker": "caregiver",
    "topic": "oral_withdrawal",
    "source": "https://example.org/post",
}


def test_the_frozen_part_is_large_enough_and_apart_from_the_development_part():
    frozen, dev = load_statements(FROZEN_FILE), load_statements(DEV_FILE)
    assert len(frozen) >= 80 and sum(s.is_emergency and s.kind == "real" for s in frozen) >= 30
    assert not {s.text for s in frozen} & {s.text for s in dev}
    assert not {s.id for s in frozen} & {s.id for s in dev}
    assert len(frozen) + len(dev) >= 250


def test_every_statement_names_its_source():
    for s in load_statements(FROZEN_FILE) + load_statements(DEV_FILE):
        assert s.source.startswith("http")


@pytest.mark.parametrize(
    "change",
    [
        {"level": "panic"},
        {"accept": ["emergency", "urgent"]},  # an emergency accepts nothing lower
        {"category": "none"},  # an emergency names its red flag
        {"turns": ["one", "two"]},
        {"kind": "invented"},
        {"extra": 1},
        {"accept": ["urgent"]},  # must include its own level
    ],
)
def test_a_bad_statement_is_refused(change):
    with pytest.raises(CorpusError):
        Statement.from_dict({**GOOD, **change})


def test_a_good_statement_loads():
    assert Statement.from_dict(GOOD).is_emergency


def test_no_frozen_statement_repeats_words_found_elsewhere_in_the_corpus():
    """A frozen statement that is also in a development part was learned from; one that is in two
    frozen parts (or twice in one) is counted twice. Helpers find the same posts again."""
    every = {path: [s.text for s in load_statements(path)] for path in (*ALL_DEV_FILES, *FROZEN_FILES)}
    for path in FROZEN_FILES:
        others = [t for other, texts in every.items() if other != path for t in texts]
        own = every[path]
        assert overlapping(own, others) == [], path.name
        assert [i for i, t in enumerate(own) if overlapping([t], own[:i] + own[i + 1 :])] == [], path.name


def test_overlapping_finds_the_same_post_trimmed_differently():
    post = "I stopped the baclofen on Friday and by Sunday night I was seeing people in the corners of the room"
    others = [post, "my pump alarm went off"]
    texts = [
        "by Sunday night I was seeing people in the corners of the room and could not sleep",  # a shared run
        "My pump alarm went off!",  # the same words
        "I stopped the baclofen on Friday and by Sunday I felt fine",  # only a short run in common
        "pump alarm went",  # a short statement inside another is the same quote trimmed shorter
        "the alarm went off on my pump",  # the same idea in other words
    ]
    assert overlapping(texts, others) == [0, 1, 3]
