"""An assessment as the bot sends it: the payload under a reply's `custom.triage`.

Built here for both senders, the actions (actions/assessment.py) and the channels' guard when it
answers without the action server (bot/channels/guard.py), so the two cannot drift apart.
"""

from __future__ import annotations

from bot.settings import RegionNumbers
from bot.triage.engine import Assessment
from bot.types import Contact, TriagePayload


def contact_of(assessment: Assessment, numbers: RegionNumbers) -> Contact:
    """The numbers to show with the assessment: the emergency number, and the crisis line only
    when the assessment calls for it."""
    return Contact(
        emergency_number=numbers.emergency_number,
        crisis_line=numbers.crisis_line if assessment.crisis_line else None,
    )


def triage_payload(assessment: Assessment, numbers: RegionNumbers, fallback: bool = False) -> TriagePayload:
    """The machine-readable assessment; `fallback` when the guard sends it without the actions."""
    payload = TriagePayload(
        level=assessment.level,
        symptoms=assessment.symptoms,
        reasons=assessment.reasons,
        contact=contact_of(assessment, numbers),
    )
    if fallback:
        payload["fallback"] = True
    return payload
