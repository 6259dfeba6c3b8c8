"""What playing a scenario gave: each turn's replies, level and findings, and the scenario's
verdict (`category`: pass, under, earlier, over, failed, error). Pure data, judged in
bot/flows/judging.py, written by report.py and junit.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from bot.flows.scenario import Scenario
from bot.triage import REPORTED_LEVELS, triage_verdict
from bot.triage import reported_rank as rank
from bot.types import Finding


@dataclass
class TurnResult:
    """One patient message, the bot's replies, what it understood, and what did not match."""

    number: int
    patient: str
    replies: List[Dict[str, Any]]
    understood: Optional[List[Finding]] = None  # None: not annotated
    intent: Optional[str] = None
    problems: List[str] = field(default_factory=list)
    under: bool = False
    over: bool = False

    @property
    def texts(self) -> List[str]:
        return [str(r["text"]) for r in self.replies if r.get("text")]

    @property
    def triage(self) -> Optional[Dict[str, Any]]:
        """The most severe `custom.triage` payload among this turn's replies."""
        found = [
            r["custom"]["triage"]
            for r in self.replies
            if isinstance(r.get("custom"), dict) and isinstance(r["custom"].get("triage"), dict)
        ]
        known = [t for t in found if t.get("level") in REPORTED_LEVELS]
        return max(known, key=lambda t: rank(t["level"])) if known else None

    @property
    def level(self) -> str:
        triage = self.triage
        return triage["level"] if triage else "none"


@dataclass
class ScenarioResult:
    """A played scenario: its turns, the level judged, and every difference from what was expected."""

    scenario: Scenario
    turns: List[TurnResult]
    problems: List[str] = field(default_factory=list)
    error: Optional[str] = None
    seconds: float = 0.0

    @property
    def given_turn(self) -> Optional[int]:
        """The turn whose level is judged: `in turn`, else the last turn that gave a level."""
        if self.scenario.in_turn:
            return self.scenario.in_turn
        with_level = [t.number for t in self.turns if t.level != "none"]
        return with_level[-1] if with_level else None

    @property
    def given(self) -> str:
        """The level the bot gave in the judged turn ("none" when it gave none)."""
        number = self.given_turn
        if number is None or number > len(self.turns):
            return "none"
        return self.turns[number - 1].level

    @property
    def earlier_turn(self) -> Optional[int]:
        """The turn before `in turn` that already gave an accepted level, when the judged turn did not.

        Earlier is safer (the emergency advice one message sooner): a difference to report, never
        an under-triage.
        """
        in_turn = self.scenario.in_turn
        if not in_turn or self.given in self.scenario.levels:
            return None
        return next((t.number for t in self.turns[: in_turn - 1] if t.level in self.scenario.levels), None)

    @property
    def level_seen(self) -> str:
        """The level to count in the report's matrix: the judged turn's, or the earlier one's."""
        earlier = self.earlier_turn
        return self.turns[earlier - 1].level if earlier else self.given

    @property
    def higher_before(self) -> bool:
        """A turn before the judged one already gave a level above the accepted ones (the emergency
        advice where `urgent` was expected): an over-triage, though the judged turn gave none."""
        in_turn = self.scenario.in_turn
        if not in_turn:
            return False
        return any(triage_verdict(t.level, self.scenario.levels) == "over" for t in self.turns[: in_turn - 1])

    @property
    def level_under(self) -> bool:
        return triage_verdict(self.given, self.scenario.levels) == "under"

    @property
    def level_over(self) -> bool:
        return triage_verdict(self.given, self.scenario.levels) == "over"

    @property
    def category(self) -> str:
        """pass | under | earlier | over | failed | error; under-triage wins, as the most dangerous."""
        if self.error:
            return "error"
        if not self.problems and not any(t.problems for t in self.turns):
            return "pass"
        if any(t.under for t in self.turns):
            return "under"
        if self.earlier_turn:
            return "earlier"
        if self.level_under and not self.higher_before:
            return "under"
        if self.higher_before:
            return "over"
        if self.level_over or any(t.over for t in self.turns):
            return "over"
        return "failed"

    @property
    def passed(self) -> bool:
        return self.category == "pass"

    @property
    def all_problems(self) -> List[str]:
        """Every difference, the scenario's first, then each turn's."""
        return [*([self.error] if self.error else []), *self.problems, *(p for t in self.turns for p in t.problems)]


@dataclass
class Run:
    """Everything one run produced, for the terminal, the JUnit file and the HTML report."""

    results: List[ScenarioResult]
    url: str
    understanding: str
    started: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    seconds: float = 0.0

    @property
    def failed(self) -> List[ScenarioResult]:
        return [r for r in self.results if not r.passed]

    def by_category(self, category: str) -> List[ScenarioResult]:
        return [r for r in self.results if r.category == category]
