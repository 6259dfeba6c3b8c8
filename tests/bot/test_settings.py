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


def test_numbers_from_the_environment_are_checked():
    from bot.settings import lock_lifetime_seconds, number

    assert number("STORE_TIMEOUT_SECONDS", env={}) == 5.0
    assert number("STORE_TIMEOUT_SECONDS", env={"STORE_TIMEOUT_SECONDS": ""}) == 5.0, "empty counts as unset"
    assert number("STORE_TIMEOUT_SECONDS", env={"STORE_TIMEOUT_SECONDS": "2.5"}) == 2.5
    for bad in ("0", "-1", "soon"):
        with pytest.raises(ValueError, match="STORE_TIMEOUT_SECONDS"):
            number("STORE_TIMEOUT_SECONDS", env={"STORE_TIMEOUT_SECONDS": bad})
    with pytest.raises(ValueError, match="at least 1.0"):
        lock_lifetime_seconds({"LOCK_LIFETIME_SECONDS": "0.5"})


def test_whole_numbers_are_whole():
    from bot.settings import max_message_chars

    assert max_message_chars({}) == 2000 and isinstance(max_message_chars({}), int)
    with pytest.raises(ValueError, match="whole number"):
        max_message_chars({"MAX_MESSAGE_CHARS": "2000.5"})


def test_a_variable_that_is_not_in_the_list_cannot_be_read():
    from bot.settings import text

    with pytest.raises(KeyError):
        text("SOMETHING_NOBODY_DOCUMENTED", env={"SOMETHING_NOBODY_DOCUMENTED": "1"})


def test_values_are_read_when_asked_for_not_at_import(monkeypatch):
    from bot import settings

    monkeypatch.setenv("TURN_TIMEOUT_SECONDS", "12")
    assert settings.turn_timeout_seconds() == 12.0
    monkeypatch.delenv("TURN_TIMEOUT_SECONDS")
    assert settings.turn_timeout_seconds() == 30.0


def test_check_reports_every_bad_number_at_once():
    from bot.settings import check

    check({})
    with pytest.raises(ValueError) as error:
        check({"MAX_MESSAGE_CHARS": "lots", "TELEGRAM_CHAT_RATE": "0"})
    assert "MAX_MESSAGE_CHARS" in str(error.value) and "TELEGRAM_CHAT_RATE" in str(error.value)


def test_the_defaults_are_the_ones_the_bot_always_had():
    from bot.settings import BY_NAME

    defaults = {name: setting.default for name, setting in BY_NAME.items() if setting.kind}
    assert defaults == {
        "MAX_MESSAGE_CHARS": "2000",
        "RATE_LIMIT_BURST": "8",
        "RATE_LIMIT_REFILL_SECONDS": "1.5",
        "TURN_TIMEOUT_SECONDS": "30",
        "ACTION_TIMEOUT_SECONDS": "5",
        "STORE_TIMEOUT_SECONDS": "5",
        "LOCK_LIFETIME_SECONDS": "5",
        "CHECKIN_SECONDS_PER_HOUR": "3600",
        "TELEGRAM_GLOBAL_RATE": "25",
        "TELEGRAM_CHAT_BURST": "5",
        "TELEGRAM_CHAT_RATE": "1",
        "WEB_PORT": "8080",
    }


def readme_configuration() -> dict:
    """README's configuration table: variable -> its default column (rows naming several
    variables give each its part of a default column written "a, b")."""
    import re

    from bot.paths import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    table: dict = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0])
        defaults = re.findall(r"`([^`]*)`", cells[1])
        for i, name in enumerate(names):
            table[name] = defaults[i] if len(defaults) == len(names) else cells[1]
    return table


def test_the_readme_lists_every_setting_with_its_default():
    from bot.settings import SETTINGS

    documented = readme_configuration()
    missing = [s.name for s in SETTINGS if s.name not in documented]
    assert not missing, f"README.md, Configuration, does not list {missing}"
    for setting in SETTINGS:
        if setting.default:
            assert documented[setting.name] == setting.default, setting.name


def test_only_the_settings_modules_read_the_environment():
    """Every environment variable is read through bot/settings.py (one place, read when used)."""
    import re

    from bot.paths import PROJECT_ROOT

    allowed = {
        "bot/settings.py",
        # Telegram's token, secret and addresses, with their credentials.yml overrides.
        "bot/channels/telegram/settings.py",
        # The scenario runner's --token default (a command-line tool's, not the bot's).
        "bot/flows/__main__.py",
    }
    reads = re.compile(r"os\.environ\b(?!\.setdefault)|os\.getenv")  # a default set for others is no read
    found = []
    for folder in ("bot", "actions"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            name = path.relative_to(PROJECT_ROOT).as_posix()
            if name not in allowed and reads.search(path.read_text(encoding="utf-8")):
                found.append(name)
    assert not found, f"read the environment directly instead of through bot/settings.py: {found}"
