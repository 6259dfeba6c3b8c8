"""What the person has told us so far, gathered from the findings of every turn.

Pure functions: the actions pass in the findings of each user turn (from the tracker) and get
back one `Situation` for the triage engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import FrozenSet, Iterable, List, Optional, Sequence

from bot.knowledge import Catalogue, load_catalogue
from bot.types import Finding

ROUTES = ("tablets", "pump")


@dataclass(frozen=True)
class Situation:
    """The facts triage needs: symptoms present now, the route, and what happened."""

    symptoms: FrozenSet[str] = frozenset()
    events: FrozenSet[str] = frozenset()
    route: Optional[str] = None  # tablets | pump | unknown | None (not asked yet)
    negated: FrozenSet[str] = field(default=frozenset())
    reported_by_other: bool = False
    # The answer to the red-flag screen: "yes", "no", "unsure", or None (not asked yet).
    screen: Optional[str] = None

    @property
    def on_pump(self) -> bool:
        return self.route == "pump"


def route_named(findings: Iterable[Finding]) -> Optional[str]:
    """The route one message names: the last one, but the pump when it names both ("both, pump and
    tablets"), because its withdrawal is the more dangerous and its rules must apply. None if none."""
    named = [f["id"] for f in findings if f["kind"] == "route" and f["assertion"] == "present" and f["id"] in ROUTES]
    return "pump" if "pump" in named else (named[-1] if named else None)


def situation_from_turns(
    turns: Sequence[Iterable[Finding]],
    route_slot: Optional[str] = None,
    catalogue: Optional[Catalogue] = None,
    screen: Optional[str] = None,
) -> Situation:
    """Fold the findings of each turn, oldest first, into one situation.

    - Only `present` findings count; negated, hypothetical and historical ones do not.
    - A caregiver's report (experiencer "other") counts as the patient's.
    - A later negation withdraws an earlier non-red-flag symptom ("actually no headache"),
      but a red flag once reported stays: the safe side of a correction is to keep it.
    - The route is the last one mentioned (the pump when one message names both), else the form's
      slot ("unknown" if they could not say).
    - `screen` is the answer to the red-flag screen (the form's `emergency_screen` slot).
    """
    catalogue = catalogue or load_catalogue()
    symptoms: List[str] = []
    negated: set = set()
    events: set = set()
    route: Optional[str] = None
    by_other = False
    for findings in turns:
        findings = list(findings)
        route = route_named(findings) or route  # a later message naming a route corrects it
        for f in findings:
            if f["assertion"] == "negated" and f["kind"] == "symptom":
                negated.add(f["id"])
                known = catalogue.symptoms.get(f["id"])
                if f["id"] in symptoms and known is not None and not known.red_flag:
                    symptoms.remove(f["id"])
                continue
            if f["assertion"] != "present":
                continue
            if f["kind"] == "symptom" and f["id"] in catalogue.symptoms:
                if f["id"] not in symptoms:
                    symptoms.append(f["id"])
                by_other = by_other or f["experiencer"] == "other"
                negated.discard(f["id"])
            elif f["kind"] == "event" and f["id"] in catalogue.events:
                events.add(f["id"])
    if route is None and route_slot:
        route = route_slot
    return Situation(
        symptoms=frozenset(symptoms),
        events=frozenset(events),
        route=route,
        negated=frozenset(negated - set(symptoms)),
        reported_by_other=by_other,
        screen=screen,
    )
