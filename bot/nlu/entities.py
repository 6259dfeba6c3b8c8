"""Converting between findings and Rasa entity dicts (pure; used by the NLU component and the actions)."""

from typing import Any, Dict, Iterable, List, Optional, Text

from bot.types import Finding

EXTRACTOR = "SymptomExtractor"
KINDS = ("symptom", "route", "event")


def finding_to_entity(finding: Finding) -> Dict[Text, Any]:
    """The Rasa entity dict for one finding: the context is the entity's `role`."""
    return {
        "entity": finding["kind"],
        "value": finding["id"],
        "start": finding["start"],
        "end": finding["end"],
        "role": finding["assertion"],
        "confidence_entity": 1.0,
        "experiencer": finding["experiencer"],
        "uncertain": finding["uncertain"],
        "text": finding["text"],
    }


def entity_to_finding(entity: Dict[Text, Any]) -> Optional[Finding]:
    """The finding behind one of our entities (None for other extractors' entities)."""
    if entity.get("entity") not in KINDS or entity.get("extractor", EXTRACTOR) != EXTRACTOR:
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


def findings_from_entities(entities: Iterable[Dict[Text, Any]]) -> List[Finding]:
    found = (entity_to_finding(e) for e in entities or [])
    return [f for f in found if f is not None]
