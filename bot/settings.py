"""Run-time settings from environment variables (documented in README.md, "Configuration")."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Optional

from bot.knowledge._files import read_yaml


@dataclass(frozen=True)
class RegionNumbers:
    """The numbers the bot gives: emergency and crisis line."""

    region: str
    emergency_number: str
    crisis_line: str


@lru_cache(maxsize=1)
def _regions() -> Mapping[str, Any]:
    """regions.yml, parsed once per process (it was re-read on every assessment)."""
    return read_yaml("regions.yml")


def region_numbers(env: Optional[Mapping[str, str]] = None) -> RegionNumbers:
    """Numbers for BOT_REGION (default us), with EMERGENCY_NUMBER / CRISIS_LINE overrides.

    An unknown region is an error rather than a silent fallback: a wrong emergency number
    is worse than a server that refuses to start.
    """
    env = os.environ if env is None else env
    data = _regions()
    region = (env.get("BOT_REGION") or data["default_region"]).strip().lower()
    if region not in data["regions"]:
        raise ValueError(f"BOT_REGION={region!r} is not one of {sorted(data['regions'])}")
    numbers = data["regions"][region]
    return RegionNumbers(
        region=region,
        emergency_number=env.get("EMERGENCY_NUMBER") or numbers["emergency_number"],
        crisis_line=env.get("CRISIS_LINE") or numbers["crisis_line"],
    )


def clinician_view_enabled(env: Optional[Mapping[str, str]] = None) -> bool:
    """CLINICIAN_VIEW=true switches on the clinician page and its NLU explanations (off by default)."""
    env = os.environ if env is None else env
    return env.get("CLINICIAN_VIEW", "").strip().lower() in ("1", "true", "yes", "on")


def seconds(
    name: str, default: float, at_least: Optional[float] = None, env: Optional[Mapping[str, str]] = None
) -> float:
    """A duration in seconds from the environment variable `name`: positive, and at least
    `at_least` when given. A bad value stops the process rather than leave a limit switched off."""
    env = os.environ if env is None else env
    value = float(env.get(name) or default)
    if value <= 0 or (at_least is not None and value < at_least):
        limit = f"at least {at_least}" if at_least is not None else "a positive number of"
        raise ValueError(f"{name} must be {limit} seconds, not {value}")
    return value


def checkin_seconds_per_hour() -> float:
    """How many real seconds one hour of a check-in lasts (CHECKIN_SECONDS_PER_HOUR, default 3600).

    Only for demonstrations and the end-to-end tests, which cannot wait an hour for a check-in."""
    return seconds("CHECKIN_SECONDS_PER_HOUR", 3600.0)
