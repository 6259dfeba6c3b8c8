"""Where the person is, from their own words (bot/regions.py)."""

import pytest

from bot.regions import region_said
from bot.settings import region_numbers


@pytest.mark.parametrize(
    "text, region",
    [
        ("should i ring 999?", "uk"),
        ("do i call 000 for this", "au"),
        ("I am in the UK", "uk"),
        ("im in australia and he is fitting", "au"),
        ("we live in germany", "eu"),
        ("uk based, on baclofen 20mg", "uk"),
        ("calling 911 now", "us"),
        # numbers and places that do not say where the person is
        ("took 999 mg by mistake", None),
        ("is baclofen sold in the uk?", None),
        ("my 000 tablets", None),
        ("", None),
    ],
)
def test_a_region_is_read_only_from_a_call_or_from_being_there(text, region):
    assert region_said([text]) == region


def test_the_latest_cue_wins():
    assert region_said(["I'm in the UK", "actually we moved, we live in australia now"]) == "au"
    assert region_said(["should i call 999", "ok"]) == "uk"


def test_the_deployments_own_number_keeps_its_region():
    """911 is Canada's number too: a Canadian deployment keeps its crisis line."""
    assert region_said(["call 911?"], deployment="ca") == "ca"
    assert region_said(["call 911?"], deployment="uk") == "us"


def test_the_said_region_gives_its_numbers_over_the_deployments():
    numbers = region_numbers({"BOT_REGION": "us"}, said="uk")
    assert (numbers.region, numbers.emergency_number) == ("uk", "999")
    assert "Samaritans" in numbers.crisis_line
    assert region_numbers({"BOT_REGION": "us"}, said=None).emergency_number == "911"
    assert region_numbers({"BOT_REGION": "us"}, said="mars").emergency_number == "911"
