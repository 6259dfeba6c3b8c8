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
        ("we live in the states", "us"),
        # 911 is known everywhere from television: it places nobody
        ("calling 911 now", None),
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


def test_a_place_beats_a_number_and_the_deployments_own_number_keeps_its_region():
    """A review of the change: "I'm in Australia, should I call 911?" was told 911."""
    assert region_said(["I'm in Australia, should I call 911? he is not breathing"]) == "au"
    assert region_said(["we live in australia", "should i ring 999"]) == "au"
    assert region_said(["should i call 911? I want to die"], deployment="au") is None
    assert region_said(["should i ring 999"], deployment="uk") == "uk"
    # someone else's place, or a past one, is not where the person is
    assert region_said(["he lives in england but he's visiting us now"]) is None
    assert region_said(["we were living in germany until last year"]) is None


def test_the_said_region_gives_its_numbers_over_the_deployments():
    numbers = region_numbers({"BOT_REGION": "us"}, said="uk")
    assert (numbers.region, numbers.emergency_number) == ("uk", "999")
    assert "Samaritans" in numbers.crisis_line
    assert region_numbers({"BOT_REGION": "us"}, said=None).emergency_number == "911"
    assert region_numbers({"BOT_REGION": "us"}, said="mars").emergency_number == "911"
