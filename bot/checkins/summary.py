"""A dated summary of a conversation to show the doctor, built from its tracker events alone.

Only what the person said (the findings of their own messages, with the time of each), what the
bot answered (each level with its reasons and sources) and the check-ins. No sender id, no
second store, nothing inferred: a symptom appears only if a message of the person reported it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional

from bot.checkins.plan import CHECKIN_INTENT, NAME_PREFIX, fired_name
from bot.knowledge import load_catalogue
from bot.knowledge.reasons import load_reasons
from bot.names import Slot
from bot.nlu.entities import findings_from_entities

FEELINGS = {"better": "better", "same": "about the same", "worse": "worse"}
SCREEN = {"yes": "yes, one of them", "no": "none of them", "unsure": "not sure"}


@dataclass
class Summary:
    """The parts of the summary; `text()` is what the person copies or forwards."""

    made: datetime
    route: Optional[str] = None
    reported: List[str] = field(default_factory=list)
    doses: List[str] = field(default_factory=list)
    levels: List[str] = field(default_factory=list)
    checkins: List[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.reported or self.doses or self.levels or self.checkins)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "made": stamp(self.made),
            "route": self.route,
            "reported": self.reported,
            "doses": self.doses,
            "levels": self.levels,
            "checkins": self.checkins,
        }

    def text(self, disclaimer: str) -> str:
        lines = [f"Summary for the doctor, made {stamp(self.made)} (times in UTC)."]
        if self.route:
            lines.append(f"Baclofen taken as: {self.route}.")
        for title, items in (
            ("What was reported", self.reported),
            ("What happened with the doses", self.doses),
            ("What the self-assessment said", self.levels),
            ("Check-ins", self.checkins),
        ):
            if items:
                lines.append(f"{title}:")
                lines.extend(f"- {item}" for item in items)
        lines.append(disclaimer)
        return "\n".join(lines)


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%d %b %Y %H:%M")


def _time(event: Mapping[str, Any]) -> datetime:
    return datetime.fromtimestamp(float(event.get("timestamp") or 0), tz=timezone.utc)


def _since_restart(events: Iterable[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    events = list(events)
    starts = [i for i, e in enumerate(events) if e.get("event") == "restart"]
    return events[starts[-1] + 1 :] if starts else events


def build_summary(events: Iterable[Mapping[str, Any]], now: Optional[datetime] = None) -> Summary:
    """The summary of everything since the last restart ("start again" begins a new one)."""
    catalogue = load_catalogue()
    summary = Summary(made=now or datetime.now(timezone.utc))
    sources = catalogue.sources
    texts = load_reasons()
    for event in _since_restart(events):
        kind = event.get("event")
        when = stamp(_time(event))
        if kind == "user":
            fired = fired_name(event)
            if fired or ((event.get("parse_data") or {}).get("intent") or {}).get("name") == CHECKIN_INTENT:
                summary.checkins.append(f"{when}: the bot checked in as asked")
                continue
            findings = findings_from_entities((event.get("parse_data") or {}).get("entities") or [])
            abrupt = any(
                f["kind"] == "event"
                and f["assertion"] == "present"
                and getattr(catalogue.events.get(f["id"]), "abrupt", False)
                for f in findings
            )
            present, absent = [], []
            for f in findings:
                if f["kind"] == "symptom" and f["id"] in catalogue.symptoms:
                    name = catalogue.symptoms[f["id"]].plain
                    if f["assertion"] == "present":
                        present.append(name + (" (reported by someone else)" if f["experiencer"] == "other" else ""))
                    elif f["assertion"] == "negated":
                        absent.append(name)
                elif f["kind"] == "event" and f["assertion"] == "present" and f["id"] in catalogue.events:
                    if abrupt and catalogue.events[f["id"]].in_passing:
                        continue
                    summary.doses.append(f"{when}: {catalogue.events[f['id']].label}")
                elif f["kind"] == "route" and f["assertion"] == "present" and f["id"] in catalogue.routes:
                    summary.route = catalogue.routes[f["id"]].label
            parts = []
            if present:
                parts.append(", ".join(dict.fromkeys(present)))
            if absent:
                parts.append("said not present: " + ", ".join(dict.fromkeys(absent)))
            if parts:
                summary.reported.append(f"{when}: " + "; ".join(parts))
        elif kind == "bot":
            triage = ((event.get("data") or {}).get("custom") or {}).get("triage")
            if isinstance(triage, dict) and triage.get("level"):
                reasons = " ".join(str(r.get("text", "")) for r in triage.get("reasons") or [])
                cited = dict.fromkeys(s for r in triage.get("reasons") or [] for s in r.get("sources") or [])
                titles = "; ".join(sources[s].title for s in cited if s in sources)
                line = f"{when}: {str(triage['level']).replace('_', ' ')}. {reasons}".strip()
                summary.levels.append(line + (" " + texts.sources_line("reasons", titles) if titles else ""))
        elif kind == "slot":
            slot, value = event.get("name"), event.get("value")
            if slot == Slot.CHECKIN_FEELING and value in FEELINGS:
                summary.checkins.append(f"{when}: feeling {FEELINGS[value]} than before")
            elif slot == Slot.EMERGENCY_SCREEN and value in SCREEN:
                summary.reported.append(f"{when}: asked about the emergency signs: {SCREEN[value]}")
            elif slot == Slot.ROUTE and value in catalogue.routes:
                summary.route = catalogue.routes[value].label
        elif kind == "reminder" and str(event.get("name", "")).startswith(NAME_PREFIX):
            due = datetime.fromisoformat(str(event["date_time"]))
            summary.checkins.append(f"{when}: a check-in was arranged for {stamp(due)}")
        elif kind == "cancel_reminder":
            summary.checkins.append(f"{when}: check-ins were cancelled")
    return summary
