"""What a scenario is once loaded: the dataclasses the runner plays and the words a file may use.

Its own module because the loader builds these, the runner and the report read them, and the
checks need the same vocabulary (`asks:` questions, `understood:` contexts); none of it reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import List, Optional, Tuple

from bot.knowledge import load_catalogue
from bot.names import Response
from bot.types import Finding

# What `asks:` may name, and the domain response whose text the bot then sends.
ASKS = {
    "tablets or pump": Response.ASK_ROUTE,
    "what happened": Response.ASK_SITUATION,
    "anything else": Response.ASK_ANYTHING_ELSE,
    "emergency signs": Response.ASK_EMERGENCY_SCREEN,
    "nothing": None,
}
ASSERTIONS = ("present", "negated", "hypothetical", "historical")
CONTEXTS = (*ASSERTIONS, "not negated", "someone else", "the patient")


@dataclass(frozen=True)
class Understood:
    """An expectation on what the bot understood in one message: "confusion, not negated"."""

    written: str
    id: str
    contexts: Tuple[str, ...]

    def matches(self, finding: Finding) -> bool:
        if finding["id"] != self.id:
            return False
        contexts = self.contexts or ("present",)
        for c in contexts:
            if c in ASSERTIONS and finding["assertion"] != c:
                return False
            if c == "not negated" and finding["assertion"] == "negated":
                return False
            if c == "someone else" and finding["experiencer"] != "other":
                return False
            if c == "the patient" and finding["experiencer"] != "patient":
                return False
        return True


@dataclass(frozen=True)
class Turn:
    """One patient message and what the bot must do in its reply (all optional)."""

    patient: str
    line: Optional[int] = None
    # Other wordings of the same message (`patient: [a, b, c]`): each is played in a run of its own.
    wordings: Tuple[str, ...] = ()
    # Hours that pass instead of a message (`clock: 2 hours`): the check-ins due by then come.
    clock: Optional[float] = None
    levels: Tuple[str, ...] = ()
    asks: Optional[str] = None
    says: Tuple[str, ...] = ()
    never_says: Tuple[str, ...] = ()
    starts_with: Optional[str] = None
    understood: Tuple[Understood, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A conversation to play and the level (and phrases) it must end up with."""

    name: str
    file: str
    topic: str
    turns: Tuple[Turn, ...]
    levels: Tuple[str, ...]
    line: Optional[int] = None
    in_turn: Optional[int] = None
    says: Tuple[str, ...] = ()
    never_says: Tuple[str, ...] = ()
    symptoms: Tuple[str, ...] = ()
    tags: Tuple[str, ...] = ()
    why: str = ""

    @property
    def id(self) -> str:
        return f"{Path(self.file).stem}: {self.name}"

    @property
    def expected(self) -> str:
        """The accepted levels in words: "urgent or emergency"."""
        return " or ".join(self.levels)

    def variants(self) -> List[Scenario]:
        """The runs to play: every turn at its first wording, then one run per other wording of a
        turn (the rest at their first), named after it so a report says which wording failed.
        One run per wording, not every combination: the number of runs grows with the wordings
        written, not with their product."""
        runs = [self]
        for i, turn in enumerate(self.turns):
            for wording in turn.wordings:
                turns = list(self.turns)
                # `understood` speaks of the first wording's words; the other checks hold for all.
                turns[i] = replace(turn, patient=wording, wordings=(), understood=())
                runs.append(replace(self, name=f'{self.name} [turn {i + 1}: "{wording}"]', turns=tuple(turns)))
        return runs

    @property
    def named_symptoms(self) -> List[str]:
        """Every catalogue symptom this scenario checks (for coverage)."""
        catalogue = load_catalogue()
        ids = [*self.symptoms, *(u.id for t in self.turns for u in t.understood)]
        return [i for i in dict.fromkeys(ids) if i in catalogue.symptoms]


@dataclass(frozen=True)
class ScenarioFile:
    path: str
    topic: str
    description: str
    scenarios: Tuple[Scenario, ...]


def parse_understood(written: str) -> Understood:
    """ "confusion, not negated" -> Understood(id="confusion", contexts=("not negated",))."""
    parts = [p.strip() for p in written.split(",")]
    return Understood(written=written.strip(), id=parts[0], contexts=tuple(p for p in parts[1:] if p))
