"""The real-language corpus: its format, and a frozen part that stays apart."""

import pytest

from bot.corpus import DEV_FILE, FROZEN_FILE, CorpusError, Statement, load_statements

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
