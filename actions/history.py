"""Reading what the person said from the tracker: the findings of each user turn.

The symptoms are not kept in a slot: they are re-read from the entities of every user message
since the last restart, so corrections and later messages are always taken into account.
"""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker

from bot.knowledge import load_catalogue
from bot.types import Finding

EXTRACTOR = "SymptomExtractor"


def entity_to_finding(entity: Dict[Text, Any]) -> Optional[Finding]:
    """The finding behind one of our entities (None for other extractors' entities)."""
    if entity.get("extractor") != EXTRACTOR or entity.get("entity") not in ("symptom", "route", "event"):
        return None
    return Finding(
        kind=entity["entity"],
        id=str(entity.get("value")),
        text=str(entity.get("text", "")),
        start=int(entity.get("start", 0)),
        end=int(entity.get("end", 0)),
        assertion=str(entity.get("role") or "present"),
        uncertain=bool(entity.get("uncertain", False)),
        experiencer=str(entity.get("experiencer", "patient")),
    )


def findings_of(parse_data: Dict[Text, Any]) -> List[Finding]:
    found = (entity_to_finding(e) for e in parse_data.get("entities") or [])
    return [f for f in found if f is not None]


def user_turns(events: List[Dict[Text, Any]]) -> List[List[Finding]]:
    """Findings of each user message since the last restart, oldest first."""
    start = 0
    for i, event in enumerate(events):
        if event.get("event") == "restart":
            start = i + 1
    return [
        findings_of(e.get("parse_data") or {})
        for e in events[start:]
        if e.get("event") == "user"
    ]


def latest_red_flags(tracker: Tracker) -> List[Text]:
    """Red-flag symptoms reported as present in the latest user message."""
    catalogue = load_catalogue()
    return [
        f["id"]
        for f in findings_of(tracker.latest_message or {})
        if f["kind"] == "symptom"
        and f["assertion"] == "present"
        and f["id"] in catalogue.symptoms
        and catalogue.symptoms[f["id"]].red_flag
    ]


def level_given_this_turn(tracker: Tracker) -> Optional[Text]:
    """The triage level already sent since the latest user message, if any."""
    level = None
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            triage = ((event.get("data") or {}).get("custom") or {}).get("triage")
            if isinstance(triage, dict) and triage.get("level"):
                level = triage["level"]
    return level
