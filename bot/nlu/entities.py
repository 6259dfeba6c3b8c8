"""Converting between findings and Rasa entity dicts (pure; used by the NLU component and the actions)."""

from typing import Any, Dict, Iterable, List, Optional, Text

from bot.names import Entity
from bot.types import Finding

EXTRACTOR = "SymptomExtractor"
# The learned red-flag layer's findings are ours too (bot/nlu/red_flag_classifier.py).
# So are the red-flag words the router reads in another language (bot/nlu/red_flag_router.py).
EXTRACTORS = (EXTRACTOR, "RedFlagClassifier", "RedFlagRouter")
# A finding's kind is the name of its entity.
KINDS = (Entity.SYMPTOM, Entity.ROUTE, Entity.EVENT)


def finding_to_entity(finding: Finding) -> Dict[Text, Any]:
    """The Rasa entity dict for one finding: the context is the entity's `role`."""
    return {
        "entity": finding["kind"],
        "value": finding["id"],
        "start": finding["start"],
        "end": finding["end"],
        "role": finding["assertion"],
        "confidence_entity": finding.get("score", 1.0),
        "experiencer": finding["experiencer"],
        "uncertain": finding["uncertain"],
        "text": finding["text"],
    }


def entity_to_finding(entity: Dict[Text, Any]) -> Optional[Finding]:
    """The finding behind one of our entities (None for other extractors' entities)."""
    if entity.get("entity") not in KINDS or entity.get("extractor", EXTRACTOR) not in EXTRACTORS:
        return None
    finding = Finding(
        kind=entity["entity"],
        id=str(entity.get("value")),
        text=str(entity.get("text", "")),
        start=int(entity.get("start", 0)),
        end=int(entity.get("end", 0)),
        assertion=str(entity.get("role") or "present"),
        uncertain=bool(entity.get("uncertain", False)),
        experiencer=str(entity.get("experiencer", "patient")),
    )
    if entity.get("extractor") == EXTRACTORS[1]:
        finding["score"] = float(entity.get("confidence_entity", 0.0))
    return finding


def findings_from_entities(entities: Iterable[Dict[Text, Any]]) -> List[Finding]:
    found = (entity_to_finding(e) for e in entities or [])
    return [f for f in found if f is not None]


def findings_by_turn(events: Iterable[Dict[Text, Any]]) -> List[List[Finding]]:
    """Findings of each user message since the last restart, oldest first (tracker events as dicts)."""
    events = list(events)
    start = 0
    for i, event in enumerate(events):
        if event.get("event") == "restart":
            start = i + 1
    return [
        findings_from_entities((e.get("parse_data") or {}).get("entities") or [])
        for e in events[start:]
        if e.get("event") == "user"
    ]
