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


def test_durations_from_the_environment_are_checked():
    from bot.settings import seconds

    assert seconds("X_SECONDS", 5.0, env={}) == 5.0
    assert seconds("X_SECONDS", 5.0, env={"X_SECONDS": "2.5"}) == 2.5
    for bad in ("0", "-1"):
        with pytest.raises(ValueError):
            seconds("X_SECONDS", 5.0, env={"X_SECONDS": bad})
    with pytest.raises(ValueError):
        seconds("X_SECONDS", 5.0, at_least=1.0, env={"X_SECONDS": "0.5"})
