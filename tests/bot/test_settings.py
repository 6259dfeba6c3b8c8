import pytest

from bot.settings import region_numbers


@pytest.mark.parametrize("region, number", [("us", "911"), ("eu", "112"), ("uk", "999"), ("au", "000"), ("UK", "999")])
def test_emergency_number_by_region(region, number):
    assert region_numbers({"BOT_REGION": region}).emergency_number == number


def test_default_region_is_us_with_988():
    numbers = region_numbers({})
    assert numbers.emergency_number == "911"
    assert "988" in numbers.crisis_line


def test_overrides_win():
    numbers = region_numbers({"BOT_REGION": "eu", "EMERGENCY_NUMBER": "144", "CRISIS_LINE": "143"})
    assert (numbers.emergency_number, numbers.crisis_line) == ("144", "143")


def test_unknown_region_is_an_error_not_a_silent_default():
    with pytest.raises(ValueError, match="BOT_REGION"):
        region_numbers({"BOT_REGION": "mars"})
