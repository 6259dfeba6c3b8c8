"""Triage vignettes (docs/vignette-format.md): reading a set, playing one against a bot, its outcome.

Its own module, not a command's, because two commands play vignettes the same way: the vignette
scorer (`python -m bot.cli.vignettes`) and the real-language scorer (`python -m bot.cli.real_language`,
each statement a one-turn vignette). An outcome's under- and over-triage is `bot.triage.triage_verdict`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from bot.flows.bots import RemoteBot
from bot.names import Level
from bot.triage import REPORTED_LEVELS as ORDER
from bot.triage import Verdict, triage_verdict
from bot.triage import reported_rank as rank

# Said after a vignette's own follow-ups while the bot still asks (at most this many times).
SCREEN_ANSWERS = ("no", "no")


@dataclass
class Vignette:
    id: str
    accept: List[str]
    turns: List[str]
    followups: List[str]


@dataclass
class Outcome:
    vignette: Vignette
    level: str = "none"
    emergency_in_turns: bool = False
    transcript: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.level in self.vignette.accept

    @property
    def verdict(self) -> Verdict:
        return triage_verdict(self.level, self.vignette.accept)

    @property
    def under(self) -> bool:
        return self.verdict == "under"

    @property
    def over(self) -> bool:
        return self.verdict == "over"

    @property
    def late_emergency(self) -> bool:
        """An emergency vignette whose emergency came only after the follow-up answers."""
        return (
            self.vignette.accept == [Level.EMERGENCY] and self.level == Level.EMERGENCY and not self.emergency_in_turns
        )


def load_vignettes(path: Path) -> List[Vignette]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    default_followups = (data.get("defaults") or {}).get("followups", [])
    out = []
    for v in data["vignettes"]:
        bad = [a for a in v["accept"] if a not in ORDER]
        if bad:
            raise ValueError(f"vignette {v['id']}: unknown levels {bad}")
        out.append(
            Vignette(str(v["id"]), list(v["accept"]), list(v["turns"]), list(v.get("followups", default_followups)))
        )
    return out


def triage_level(replies: Sequence[Dict[str, Any]]) -> Optional[str]:
    """The most severe `custom.triage.level` among one turn's replies."""
    levels = [
        r["custom"]["triage"]["level"] for r in replies if isinstance(r.get("custom"), dict) and "triage" in r["custom"]
    ]
    return max(levels, key=rank) if levels else None


def asks_question(replies: Sequence[Dict[str, Any]]) -> bool:
    last = [r for r in replies if r.get("text")]
    return bool(last) and (last[-1]["text"].rstrip().endswith("?") or bool(last[-1].get("buttons")))


def run_vignette(client: RemoteBot, vignette: Vignette) -> Outcome:
    outcome = Outcome(vignette)
    sender = f"vignette-{vignette.id}-{uuid.uuid4().hex[:8]}"

    def say(text: str, scripted: bool) -> List[Dict[str, Any]]:
        replies = client.send(sender, text)
        outcome.transcript.append({"user": text, "bot": replies})
        level = triage_level(replies)
        if level and rank(level) > rank(outcome.level):
            outcome.level = level
        if level == Level.EMERGENCY and scripted:
            outcome.emergency_in_turns = True
        return replies

    replies: List[Dict[str, Any]] = []
    for turn in vignette.turns:
        replies = say(turn, scripted=True)
    # After the vignette's own follow-ups, "no" answers what is still asked (the red-flag screen
    # "is any of these happening now?" comes last, before any non-emergency advice).
    followups = [*vignette.followups, *SCREEN_ANSWERS]
    while followups and triage_level(replies) is None and outcome.level == "none" and asks_question(replies):
        replies = say(followups.pop(0), scripted=False)
    return outcome
