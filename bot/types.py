"""Wire-shaped dicts shared by the NLU component, the actions and the tools."""

from __future__ import annotations

from typing import List, TypedDict


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


class TriagePayload(TypedDict):
    """The machine-readable assessment under a reply's `custom.triage`."""

    level: str
    symptoms: List[str]
    reasons: List[Reason]
