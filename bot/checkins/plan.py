"""When to offer a check-in, after how long, and which check-ins are still to come.

Pure functions over the data in `bot/knowledge/checkins.yml` and tracker events as dicts (the
form both Rasa and the action server have), so the action server and the Rasa process agree on
what is pending without a second store.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.knowledge._files import read_yaml
from bot.knowledge.catalogue import CatalogueError, load_catalogue
from bot.names import Entity, Intent, Level

PLAN_FILE = "checkins.yml"
# Rasa triggers this intent when a check-in is due; the reminder's name travels as an entity so
# the conversation records which check-in fired (that is how a second process knows it did).
# Their names are the domain's (bot/names.py).
CHECKIN_INTENT = Intent.EXTERNAL_CHECKIN
CHECKIN_ENTITY = Entity.CHECKIN_ID
NAME_PREFIX = "checkin_"
_CONDITIONS = {"route", "events_any", "level"}
_RULE_KEYS = {"id", "when", "hours", "why", "sources"}
_PLAN_KEYS = {"offered_after", "defaults", "choices", "min_minutes", "max_hours"}


@dataclass(frozen=True)
class DefaultRule:
    """One rule for the suggested time to the first check-in."""

    id: str
    when: Mapping[str, Any]
    hours: float
    why: str
    sources: Tuple[str, ...]

    def matches(self, level: str, route: Optional[str], events: Iterable[str]) -> bool:
        if "route" in self.when and self.when["route"] != route:
            return False
        if "level" in self.when and self.when["level"] != level:
            return False
        if "events_any" in self.when and not set(self.when["events_any"]) & set(events):
            return False
        return True


@dataclass(frozen=True)
class CheckinPlan:
    offered_after: Tuple[str, ...]
    defaults: Tuple[DefaultRule, ...]
    choices: Tuple[float, ...]
    min_minutes: float
    max_hours: float

    def suggestion(self, level: str, route: Optional[str], events: Iterable[str]) -> Optional[DefaultRule]:
        """The rule for the suggested time, or None when no check-in is offered after `level`."""
        if level not in self.offered_after:
            return None
        events = list(events)
        return next((r for r in self.defaults if r.matches(level, route, events)), None)

    def clamp(self, hours: float) -> float:
        return min(max(hours, self.min_minutes / 60), self.max_hours)

    def options(self, suggested: float) -> List[float]:
        """The suggested time first, then the other choices in order."""
        return [suggested, *(h for h in self.choices if h != suggested)]


def _rule(data: Mapping[str, Any], levels: Sequence[str]) -> DefaultRule:
    if not isinstance(data, Mapping) or set(data) != _RULE_KEYS:
        raise CatalogueError(f"{PLAN_FILE}: a default needs exactly the keys {sorted(_RULE_KEYS)}")
    when = data["when"]
    catalogue = load_catalogue()
    if not isinstance(when, Mapping) or not when or set(when) - _CONDITIONS:
        raise CatalogueError(f"{PLAN_FILE} {data['id']!r}: `when` takes {sorted(_CONDITIONS)}")
    if "route" in when and when["route"] not in catalogue.routes:
        raise CatalogueError(f"{PLAN_FILE} {data['id']!r}: unknown route {when['route']!r}")
    if "level" in when and when["level"] not in levels:
        raise CatalogueError(f"{PLAN_FILE} {data['id']!r}: unknown level {when['level']!r}")
    unknown_events = set(when.get("events_any", ())) - set(catalogue.events)
    if unknown_events:
        raise CatalogueError(f"{PLAN_FILE} {data['id']!r}: unknown events {sorted(unknown_events)}")
    unknown_sources = set(data["sources"]) - set(catalogue.sources)
    if unknown_sources or not data["sources"]:
        raise CatalogueError(f"{PLAN_FILE} {data['id']!r}: sources {sorted(unknown_sources)} unknown or none")
    if not isinstance(data["hours"], int | float) or data["hours"] <= 0:
        raise CatalogueError(f"{PLAN_FILE} {data['id']!r}: hours must be a positive number")
    return DefaultRule(str(data["id"]), dict(when), float(data["hours"]), str(data["why"]), tuple(data["sources"]))


@lru_cache(maxsize=1)
def load_plan() -> CheckinPlan:
    """The check-in plan, checked against the catalogue (routes, events, sources) and the levels."""
    from bot.triage.engine import LEVELS

    data = read_yaml(PLAN_FILE)
    if set(data) != _PLAN_KEYS:
        raise CatalogueError(f"{PLAN_FILE}: expected exactly the keys {sorted(_PLAN_KEYS)}")
    offered = tuple(data["offered_after"])
    if set(offered) - set(LEVELS) or Level.EMERGENCY in offered:
        raise CatalogueError(f"{PLAN_FILE}: offered_after must be levels other than emergency")
    plan = CheckinPlan(
        offered_after=offered,
        defaults=tuple(_rule(r, LEVELS) for r in data["defaults"]),
        choices=tuple(float(h) for h in data["choices"]),
        min_minutes=float(data["min_minutes"]),
        max_hours=float(data["max_hours"]),
    )
    for level in offered:  # every level a check-in is offered after has a suggested time
        if not any(r.matches(level, None, ()) for r in plan.defaults):
            raise CatalogueError(f"{PLAN_FILE}: no default time for level {level!r}")
    return plan


# ------------------------------------------------------------------ the time a person types
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45,
}  # fmt: skip
_UNITS = {"min": 1 / 60, "mins": 1 / 60, "minute": 1 / 60, "minutes": 1 / 60, "h": 1, "hr": 1, "hrs": 1,
          "hour": 1, "hours": 1, "day": 24, "days": 24}  # fmt: skip
_AMOUNT = re.compile(
    r"\b(half an hour|half hour|(\d+(?:[.,]\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
    r"\s*(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")\b)"
)


def hours_in(text: str) -> Optional[float]:
    """The time a person asked for ("in 2 hours", "30 min", "an hour", "tomorrow"), in hours.

    Written by hand: a few fixed phrasings, and Rasa's Duckling would need a separate server.
    """
    lowered = (text or "").lower()
    match = _AMOUNT.search(lowered)
    if match:
        if match.group(1).startswith("half"):
            return 0.5
        amount = match.group(2).replace(",", ".")
        number = float(amount) if amount[0].isdigit() else float(_NUMBER_WORDS[amount])
        return number * _UNITS[match.group(3)]
    if re.search(r"\btomorrow\b", lowered):
        return 24.0
    if re.search(r"\b(tonight|this evening|later today)\b", lowered):
        return 6.0
    return None


def when_text(hours: float) -> str:
    """Plain words for a delay: "in 30 minutes", "in 1 hour", "tomorrow at about this time"."""
    if hours == 24:
        return "tomorrow at about this time"
    if hours < 1:
        return f"in {round(hours * 60)} minutes"
    if hours >= 48 and hours % 24 == 0:
        return f"in {int(hours // 24)} days"
    whole = int(hours) if float(hours).is_integer() else round(hours, 1)
    return f"in {whole} hour" + ("" if whole == 1 else "s")


def new_name() -> str:
    """A name for one check-in. Rasa's scheduler keys jobs by the name alone, across every
    conversation, so names must never repeat (the same name twice would replace a job)."""
    return f"{NAME_PREFIX}{uuid.uuid4().hex}"


# ------------------------------------------------------------------ what the tracker says
@dataclass(frozen=True)
class Pending:
    name: str
    due: datetime


def _due(event: Mapping[str, Any]) -> datetime:
    due = datetime.fromisoformat(str(event["date_time"]))
    return due if due.tzinfo else due.replace(tzinfo=timezone.utc)


def fired_name(event: Mapping[str, Any]) -> Optional[str]:
    """The check-in a user event stands for, when Rasa triggered it for a check-in."""
    if event.get("event") != "user":
        return None
    parse = event.get("parse_data") or {}
    if (parse.get("intent") or {}).get("name") != CHECKIN_INTENT:
        return None
    for entity in parse.get("entities") or []:
        if entity.get("entity") == CHECKIN_ENTITY:
            return str(entity.get("value"))
    return None


def pending(events: Iterable[Mapping[str, Any]]) -> List[Pending]:
    """Check-ins scheduled and neither fired, cancelled nor wiped by a restart, soonest first."""
    scheduled: Dict[str, Pending] = {}
    for event in events:
        kind = event.get("event")
        if kind == "restart":
            scheduled.clear()
        elif kind == "reminder" and str(event.get("name", "")).startswith(NAME_PREFIX):
            scheduled[str(event["name"])] = Pending(str(event["name"]), _due(event))
        elif kind == "cancel_reminder":
            # Rasa 3.6 stores a cancel without its name or intent (`ReminderCancelled.as_dict` drops
            # them), so a stored cancel is bare; like Rasa's own matching of a cancel with neither,
            # it cancels every check-in scheduled before it. Ours always cancel all pending ones.
            name = event.get("name")
            if name:
                scheduled.pop(str(name), None)
            elif event.get("intent") in (None, CHECKIN_INTENT):
                scheduled.clear()
        else:
            fired = fired_name(event)
            if fired:
                scheduled.pop(fired, None)
    return sorted(scheduled.values(), key=lambda p: p.due)
