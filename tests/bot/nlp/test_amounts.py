"""Milligrams taken at once (bot/nlp/amounts.py), and the overdose they make (catalogue: overdose_taken)."""

import pytest

from bot.nlp.amounts import amount_taken

STRENGTHS = (5.0, 10.0, 15.0, 20.0, 25.0)


def _amount(nlp, text, first_number):
    doc = nlp(text)
    i = next(t.i for t in doc if t.text == first_number)
    found = amount_taken(doc, i, STRENGTHS)
    return None if found is None else found[0]


@pytest.mark.parametrize(
    "text, first, mg",
    [
        ("i took like 15 of my 10mg baclofen", "15", 150),
        ("took 10 or so 25mg ones", "10", 250),
        ("took 3 x 20 mg tablets", "3", 60),
        ("took 12 10mgs", "12", 120),
        ("accidentally took 200mg of baclofen instead of 20mg", "200", 200),
        ("took 200 mg instead of 20", "200", 200),
    ],
)
def test_an_amount_is_a_count_times_its_strength_or_a_total_that_names_baclofen(nlp, text, first, mg):
    assert _amount(nlp, text, first) == mg


@pytest.mark.parametrize(
    "text, first",
    [
        ("i took 400mg ibuprofen", "400"),  # a total that does not say it was baclofen
        ("took 3 of my 400mg", "3"),  # not a baclofen tablet's strength
        ("i have taken 80mg of baclofen a day for years", "80"),  # a daily total
        ("took 20 of my 10mg over the week", "20"),  # a total over time (a second review)
        ("taken 20 of my 10mg since monday", "20"),
        ("i took 30 of my 10mg in the last 3 days", "30"),
        ("took 50 of the 5mg/5ml", "50"),  # a liquid's strength
        ("took 10 of my 20mg a day", "10"),
        ("took 15 tablets", "15"),  # no strength: left to the count rules
    ],
)
def test_what_is_not_an_amount_taken_at_once(nlp, text, first):
    assert _amount(nlp, text, first) is None


@pytest.mark.parametrize(
    "text, overdose",
    [
        ("accidentally took 200mg of baclofen instead of 20mg", True),
        ("i took maybe 10 or so 25mg ones", True),
        ("took 10 x 20mg tablets", True),
        ("i took like 15 of my 10mg baclofen about an hour ago", False),  # 150 mg: taking too much
        ("i took 400mg ibuprofen and my baclofen", False),
        ("i have taken 80mg a day for years", False),
    ],
)
def test_two_hundred_milligrams_at_once_is_an_overdose(findings, text, overdose):
    assert any(f["id"] == "overdose_taken" and f["assertion"] == "present" for f in findings(text)) is overdose


@pytest.mark.parametrize(
    "text, first, mg",
    [
        # a review of the change (2026-12-01)
        ("took 15 of my 20mg tablets last night", "15", 300),  # when, not how often
        ("took 300mg of baclofen today", "300", 300),
        ("took 10 or 20 mg", "10", None),  # one dose or the other
        ("i took 80mg of baclofen every day", "80", None),
    ],
)
def test_when_it_was_taken_is_not_how_often(nlp, text, first, mg):
    assert _amount(nlp, text, first) == mg
