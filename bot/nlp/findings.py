"""Turning a processed Doc, or a text, into findings: what was mentioned, and in which context."""

from __future__ import annotations

from typing import List, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.knowledge import load_catalogue
from bot.nlp.plain_text import plain
from bot.types import Finding

KINDS = {"SYMPTOM": "symptom", "ROUTE": "route", "EVENT": "event"}


def assertion(span: Span) -> str:
    """present | negated | hypothetical | historical (uncertain reports stay present)."""
    if span._.is_negated:
        return "negated"
    if span._.is_hypothetical:
        return "hypothetical"
    if span._.is_historical:
        return "historical"
    return "present"


def finding_from_span(span: Span) -> Finding:
    return Finding(
        kind=KINDS[span.label_],
        id=span.id_,
        text=span.text,
        start=span.start_char,
        end=span.end_char,
        assertion=assertion(span),
        uncertain=bool(span._.is_uncertain),
        experiencer="other" if span._.is_family else "patient",
    )


def extract_findings(doc: Doc) -> List[Finding]:
    """All catalogue matches in the doc, in text order.

    A present pump event ("the pump alarm went off") also says the route is a pump, so a
    `route: pump` finding is added when the text names no route itself.
    """
    findings = [finding_from_span(ent) for ent in doc.ents if ent.label_ in KINDS]
    if not any(f["kind"] == "route" for f in findings):
        for f in findings:
            if f["kind"] == "event" and f["assertion"] == "present" and _is_pump_event(f["id"]):
                findings.append(Finding(**{**f, "kind": "route", "id": "pump"}))
                break
    return findings


def findings_of_text(text: str, nlp: Optional[Language] = None) -> List[Finding]:
    """The findings of a text as the bot reads it: made plain (bot/nlp/plain_text.py) and lower-cased
    first, as the channel guard and Rasa's SpacyNLP do, then
    run through `nlp` (a pipeline the caller built), else the process's shared pipeline."""
    if nlp is None:
        from bot.nlp.pipeline import shared_pipeline  # pipeline.py imports this package

        nlp = shared_pipeline()
    return extract_findings(nlp(plain(text).lower()))


def _is_pump_event(event_id: str) -> bool:
    event = load_catalogue().events.get(event_id)
    return bool(event and event.pump)
