"""Wire-shaped dicts shared by the NLU component, the actions and the tools."""

from __future__ import annotations

from typing import List, Optional, TypedDict


class _FindingBase(TypedDict):
    """The keys every finding has (see `Finding`)."""

    kind: str  # symptom | route | event
    id: str
    text: str
    start: int
    end: int
    assertion: str
    uncertain: bool
    experiencer: str  # patient | other


class Finding(_FindingBase, total=False):
    """One catalogue concept found in a message, with its context.

    assertion: present | negated | hypothetical | historical. A caregiver's report has
    experiencer "other" and still counts as the patient's finding. `score` only on a finding of
    the learned red-flag layer (its probability; the lexicon's findings have none).
    """

    score: float


class Reason(TypedDict):
    """Why a triage level was chosen: the rule, the findings it fired on, its sources."""

    rule: str
    level: str
    text: str
    symptoms: List[str]
    sources: List[str]


class Contact(TypedDict):
    """The numbers to show with an assessment (the web page's banner): the region's emergency
    number, and its crisis line when the assessment calls for one (else None)."""

    emergency_number: str
    crisis_line: Optional[str]


class _TriagePayloadBase(TypedDict):
    """The keys every triage payload has (see `TriagePayload`)."""

    level: str
    symptoms: List[str]
    reasons: List[Reason]
    contact: Contact


class TriagePayload(_TriagePayloadBase, total=False):
    """The machine-readable assessment under a reply's `custom.triage`, as sent on the wire
    (bot/triage/payload.py builds it). `fallback` (always true) only when the channels' guard sent
    the advice itself, without the action server (bot/channels/guard.py)."""

    fallback: bool
