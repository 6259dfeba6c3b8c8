"""Under- and over-triage: one verdict for every tool that scores the bot."""

import pytest

from bot.triage.verdict import triage_verdict


@pytest.mark.parametrize(
    "given, accepted, verdict",
    [
        ("emergency", ["emergency"], "accepted"),
        ("none", ["none", "self_care"], "accepted"),
        ("urgent", ["emergency"], "under"),
        ("none", ["routine", "urgent"], "under"),
        ("emergency", ["routine", "urgent"], "over"),
        ("routine", ["none", "self_care"], "over"),
        # neither below nor above every accepted level: not accepted, but no under- or over-triage
        ("urgent", ["routine", "emergency"], "between"),
        # the order the levels are written in does not matter
        ("self_care", ("emergency", "urgent"), "under"),
        ("emergency", ("urgent", "routine"), "over"),
    ],
)
def test_a_level_against_the_accepted_levels(given, accepted, verdict):
    assert triage_verdict(given, accepted) == verdict


@pytest.mark.parametrize("given, accepted", [("emergancy", ["emergency"]), ("urgent", ["soon"]), ("urgent", [])])
def test_an_unknown_level_or_nothing_accepted_is_an_error(given, accepted):
    with pytest.raises(ValueError):
        triage_verdict(given, accepted)
