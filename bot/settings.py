"""Run-time settings: every environment variable the bot's code reads, with its default, in one place.

`SETTINGS` below is the list: each variable, its default and what it does. A value is read from the
environment each time it is asked for (a function call), never when a module is imported, so a test
can set a variable (`monkeypatch.setenv`) and the next call sees it. An empty variable counts as
unset. Numbers are checked when read: a bad value is an error, never a limit silently switched off;
`check()` reads them all, and the Rasa server calls it when its channels start (bot/channels/rest.py),
so a bad value stops the server at start-up instead of failing every message.

README.md, "Configuration", explains the variables for the people who run the bot; a test
(tests/bot/test_settings.py) checks that it lists every one of them with the same default.

Not here: the Telegram channel's token, secret and addresses (TELEGRAM_TOKEN, ...), read together with
their credentials.yml overrides in bot/channels/telegram/settings.py; the variables Rasa itself
fills into endpoints files (DB_URL, REDIS_URL, ACTION_ENDPOINT_URL in deploy/endpoints.scale.yml);
SANIC_HOST, given its default for the action server in actions/__init__.py; Make's RASA_PORT and
ACTIONS_PORT (Makefile).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional

from bot.regions import regions

Env = Optional[Mapping[str, str]]


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, its default as it would be written there ("" = none)."""

    name: str
    default: str
    meaning: str
    # Numbers: "int" or "float" (always positive); "" for text.
    kind: str = ""
    at_least: Optional[float] = None


SETTINGS = (
    # --- The channels' guard (bot/channels/guard.py) ---------------------------------------------
    # Also the clinician view's limit (bot/channels/clinician.py); the chat page gives it to the
    # widget (bot/cli/serve_web.py writes it into the page, web/public/widget.js reads it).
    Setting("MAX_MESSAGE_CHARS", "2000", "longer messages are refused with a message", "int"),
    Setting("RATE_LIMIT_BURST", "8", "messages at once per conversation and process", "int"),
    Setting("RATE_LIMIT_REFILL_SECONDS", "1.5", "then one message every this many seconds", "float"),
    Setting("TURN_TIMEOUT_SECONDS", "30", "a longer turn is answered by the guard", "float"),
    # --- Time limits of what a turn waits for --------------------------------------------------------
    Setting("ACTION_TIMEOUT_SECONDS", "5", "a call to the action server (bot/action_timeout.py)", "float"),
    Setting("STORE_TIMEOUT_SECONDS", "5", "a read or write of a conversation (bot/stores/checked_sql.py)", "float"),
    Setting("LOCK_LIFETIME_SECONDS", "5", "a Redis lock not renewed (bot/stores/redis_lock.py)", "float", 1.0),
    # --- Check-ins (bot/checkins/, actions/) -----------------------------------------------------------
    Setting("CHECKIN_SECONDS_PER_HOUR", "3600", "real seconds in a check-in's hour (demonstrations, tests)", "float"),
    Setting("CHECKIN_CALLBACK_URL", "", "REST conversations' check-ins are POSTed here (bot/channels/checkins.py)"),
    # --- Telegram's sending (bot/channels/telegram/outbox.py) --------------------------------------------
    Setting("TELEGRAM_GLOBAL_RATE", "25", "messages a second, all chats", "float"),
    Setting("TELEGRAM_CHAT_BURST", "5", "messages at once in one chat", "int"),
    Setting("TELEGRAM_CHAT_RATE", "1", "then messages a second in one chat", "float"),
    Setting("TELEGRAM_OUTBOX_URL", "", "where replies wait for Telegram; else DB_URL, else state/telegram_outbox.db"),
    Setting("DB_URL", "", "PostgreSQL of several Rasa processes (also for the outbox)"),
    # --- Numbers the bot gives, and who may see what ---------------------------------------------------
    Setting("BOT_REGION", "", "emergency and crisis numbers by region; none: regions.yml's default_region (us)"),
    Setting("EMERGENCY_NUMBER", "", "overrides the region's emergency number"),
    Setting("CRISIS_LINE", "", "overrides the region's crisis line"),
    Setting("CLINICIAN_VIEW", "", "true: the clinician page and its NLU explanations"),
    Setting("WEB_ALLOWED_ORIGINS", "http://localhost:8080,http://127.0.0.1:8080", "pages allowed to open a chat"),
    Setting("RASA_AUTH_TOKEN", "", "Rasa's HTTP API with this token (bot/cli/run_rasa.py); none: API off"),
    Setting("RASA_AUTH_TOKEN_FILE", "", "a file whose first line is that token"),
    # --- The chat page's server (bot/cli/serve_web.py) -------------------------------------------------
    Setting("WEB_HOST", "127.0.0.1", "where the chat page listens"),
    Setting("WEB_PORT", "8080", "the chat page's port", "int"),
    Setting("RASA_PUBLIC_URL", "http://127.0.0.1:5005", "the Rasa address the page gives the browser"),
)
BY_NAME: Dict[str, Setting] = {s.name: s for s in SETTINGS}
TRUE = ("1", "true", "yes", "on")


# ---------------------------------------------------------------------------------------- reading


def text(name: str, env: Env = None) -> str:
    """The variable's value, or its default when it is unset or empty (never read at import)."""
    setting = BY_NAME[name]  # a KeyError: a variable that is not in SETTINGS
    env = os.environ if env is None else env
    return env.get(name) or setting.default


def number(name: str, env: Env = None) -> float:
    """A positive number (at least the setting's `at_least`): a bad value stops the process rather
    than leave a limit switched off."""
    setting = BY_NAME[name]
    raw = text(name, env)
    try:
        value = int(raw) if setting.kind == "int" else float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a {'whole ' if setting.kind == 'int' else ''}number, not {raw!r}") from None
    if value <= 0 or (setting.at_least is not None and value < setting.at_least):
        limit = f"at least {setting.at_least}" if setting.at_least is not None else "positive"
        raise ValueError(f"{name} must be {limit}, not {value}")
    return value


def whole(name: str, env: Env = None) -> int:
    if BY_NAME[name].kind != "int":
        raise TypeError(f"{name} is not a whole number")
    return int(number(name, env))


def flag(name: str, env: Env = None) -> bool:
    return text(name, env).strip().lower() in TRUE


def check(env: Env = None) -> None:
    """Read every number now: a bad value is reported at start-up, all of them at once."""
    problems: List[str] = []
    for setting in SETTINGS:
        if setting.kind:
            try:
                number(setting.name, env)
            except ValueError as error:
                problems.append(str(error))
    if problems:
        raise ValueError("; ".join(problems))


# ---------------------------------------------------------------------------------------- by name


def max_message_chars(env: Env = None) -> int:
    return whole("MAX_MESSAGE_CHARS", env)


def rate_limit_burst(env: Env = None) -> int:
    return whole("RATE_LIMIT_BURST", env)


def rate_limit_refill_seconds(env: Env = None) -> float:
    return number("RATE_LIMIT_REFILL_SECONDS", env)


def turn_timeout_seconds(env: Env = None) -> float:
    return number("TURN_TIMEOUT_SECONDS", env)


def action_timeout_seconds(env: Env = None) -> float:
    return number("ACTION_TIMEOUT_SECONDS", env)


def store_timeout_seconds(env: Env = None) -> float:
    return number("STORE_TIMEOUT_SECONDS", env)


def lock_lifetime_seconds(env: Env = None) -> float:
    return number("LOCK_LIFETIME_SECONDS", env)


def checkin_seconds_per_hour(env: Env = None) -> float:
    """How many real seconds one hour of a check-in lasts (CHECKIN_SECONDS_PER_HOUR, default 3600).

    Only for demonstrations and the end-to-end tests, which cannot wait an hour for a check-in."""
    return number("CHECKIN_SECONDS_PER_HOUR", env)


def checkin_callback_url(env: Env = None) -> Optional[str]:
    return text("CHECKIN_CALLBACK_URL", env) or None


def telegram_global_rate(env: Env = None) -> float:
    return number("TELEGRAM_GLOBAL_RATE", env)


def telegram_chat_burst(env: Env = None) -> int:
    return whole("TELEGRAM_CHAT_BURST", env)


def telegram_chat_rate(env: Env = None) -> float:
    return number("TELEGRAM_CHAT_RATE", env)


def telegram_outbox_url(env: Env = None) -> Optional[str]:
    """TELEGRAM_OUTBOX_URL, else DB_URL (several processes share it); None: the caller's own file."""
    return text("TELEGRAM_OUTBOX_URL", env) or text("DB_URL", env) or None


def web_allowed_origins(env: Env = None) -> str:
    return text("WEB_ALLOWED_ORIGINS", env)


def clinician_view_enabled(env: Env = None) -> bool:
    """CLINICIAN_VIEW=true switches on the clinician page and its NLU explanations (off by default)."""
    return flag("CLINICIAN_VIEW", env)


# ---------------------------------------------------------------------------------------- region


@dataclass(frozen=True)
class RegionNumbers:
    """The numbers the bot gives: emergency and crisis line."""

    region: str
    emergency_number: str
    crisis_line: str


def region_numbers(env: Env = None, said: Optional[str] = None) -> RegionNumbers:
    """Numbers for BOT_REGION (default us), with EMERGENCY_NUMBER / CRISIS_LINE overrides; or, when
    the person said where they are (`said`, bot/regions.py), that region's numbers.

    An unknown region is an error rather than a silent fallback: a wrong emergency number
    is worse than a server that refuses to start.
    """
    data = regions()
    region = (text("BOT_REGION", env) or data["default_region"]).strip().lower()
    if region not in data["regions"]:
        raise ValueError(f"BOT_REGION={region!r} is not one of {sorted(data['regions'])}")
    if said and said != region and said in data["regions"]:
        numbers = data["regions"][said]
        return RegionNumbers(
            region=said, emergency_number=numbers["emergency_number"], crisis_line=numbers["crisis_line"]
        )
    numbers = data["regions"][region]
    return RegionNumbers(
        region=region,
        emergency_number=text("EMERGENCY_NUMBER", env) or numbers["emergency_number"],
        crisis_line=text("CRISIS_LINE", env) or numbers["crisis_line"],
    )


def deployment_region(env: Env = None) -> str:
    """BOT_REGION, or the default region."""
    return region_numbers(env).region
