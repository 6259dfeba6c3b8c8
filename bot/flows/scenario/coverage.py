"""Which catalogue symptoms the scenarios check, and which red flags none does.

Its own module because coverage is about a whole library of scenarios against the catalogue, not
about any one file: `python -m bot.flows validate` prints it and the report shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

from bot.flows.scenario.model import Scenario
from bot.knowledge import Catalogue, load_catalogue


@dataclass(frozen=True)
class Coverage:
    """Which catalogue symptoms the scenarios check (named in `symptoms:` or `understood:`)."""

    covered: Dict[str, List[str]] = field(default_factory=dict)  # symptom id -> scenario ids
    uncovered: List[str] = field(default_factory=list)
    uncovered_red_flags: List[str] = field(default_factory=list)
    red_flags: List[str] = field(default_factory=list)


def coverage(scenarios: Iterable[Scenario], catalogue: Optional[Catalogue] = None) -> Coverage:
    catalogue = catalogue or load_catalogue()
    covered: Dict[str, List[str]] = {}
    for scenario in scenarios:
        for sid in scenario.named_symptoms:
            covered.setdefault(sid, []).append(scenario.id)
    uncovered = [s for s in catalogue.symptoms if s not in covered]
    red_flags = [s.id for s in catalogue.red_flags]
    return Coverage(covered, uncovered, [s for s in red_flags if s not in covered], red_flags)
