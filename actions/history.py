"""Reading what the person said from the tracker: the findings of each user turn.

The symptoms are not kept in a slot: they are re-read from the entities of every user message
since the last restart, so corrections and later messages are always taken into account.
"""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker

from bot.knowledge import load_catalogue
from bot.names import Entity
from bot.nlu.entities import findings_by_turn, findings_from_entities
from bot.types import Finding


def findings_of(parse_data: Dict[Text, Any]) -> List[Finding]:
    """Our findings in one message's parse data."""
    return findings_from_entities(parse_data.get("entities") or [])


def user_turns(events: List[Dict[Text, Any]]) -> List[List[Finding]]:
    """Findings of each user message since the last restart, oldest first."""
    return findings_by_turn(events)


def latest_red_flags(tracker: Tracker) -> List[Text]:
    """Red-flag symptoms reported as present in the latest user message."""
    catalogue = load_catalogue()
    return [
        f["id"]
        for f in findings_of(tracker.latest_message or {})
        if f["kind"] == Entity.SYMPTOM
        and f["assertion"] == "present"
        and f["id"] in catalogue.symptoms
        and catalogue.symptoms[f["id"]].red_flag
    ]


def user_texts(tracker: Tracker) -> List[Text]:
    """The text of every user message in the conversation, oldest first (also before a restart:
    where the person is does not change when the assessment starts again)."""
    return [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]


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
