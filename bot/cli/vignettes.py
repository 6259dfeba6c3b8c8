"""Score triage vignettes against a running bot over its REST channel, as a person would reach it.

    python -m bot.cli.vignettes tests/vignettes/baclofen.yml --url http://127.0.0.1:5005

Prints emergency sensitivity, under-triage, over-triage and accuracy, and every vignette that
was not accepted. Exit code 1 when any vignette was under-triaged (the worst defect), or when an
emergency was given only after the follow-up answers instead of in the scripted turns.
Format of the files: docs/vignette-format.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from bot.flows.bots import RemoteBot
from bot.names import Level
from bot.triage import REPORTED_LEVELS as ORDER
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
    level: str = Level.NONE
    emergency_in_turns: bool = False
    transcript: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.level in self.vignette.accept

    @property
    def under(self) -> bool:
        return rank(self.level) < min(rank(a) for a in self.vignette.accept)

    @property
    def over(self) -> bool:
        return rank(self.level) > max(rank(a) for a in self.vignette.accept)

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
    while followups and triage_level(replies) is None and outcome.level == Level.NONE and asks_question(replies):
        replies = say(followups.pop(0), scripted=False)
    return outcome


@dataclass
class Figures:
    total: int
    accuracy: float
    emergency_sensitivity: float
    emergency_total: int
    under: int
    over: int
    late_emergencies: int

    def lines(self) -> List[str]:
        return [
            f"vignettes: {self.total}",
            f"accuracy: {self.accuracy:.2f}",
            f"emergency sensitivity: {self.emergency_sensitivity:.2f} ({self.emergency_total} emergency vignettes)",
            f"under-triage: {self.under}",
            f"over-triage: {self.over}",
            f"emergencies given only after follow-ups: {self.late_emergencies}",
        ]


def figures(outcomes: Sequence[Outcome]) -> Figures:
    emergencies = [o for o in outcomes if o.vignette.accept == [Level.EMERGENCY]]
    caught = [o for o in emergencies if o.level == Level.EMERGENCY]
    return Figures(
        total=len(outcomes),
        accuracy=sum(o.accepted for o in outcomes) / max(len(outcomes), 1),
        emergency_sensitivity=len(caught) / len(emergencies) if emergencies else 1.0,
        emergency_total=len(emergencies),
        under=sum(o.under for o in outcomes),
        over=sum(o.over for o in outcomes),
        late_emergencies=sum(o.late_emergency for o in outcomes),
    )


def run_file(url: str, path: Path) -> List[Outcome]:
    client = RemoteBot(url)
    return [run_vignette(client, v) for v in load_vignettes(path)]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="the Rasa server")
    parser.add_argument("--json", type=Path, help="also write every transcript to this file")
    args = parser.parse_args(argv)
    status = 0
    everything = []
    for path in args.files:
        outcomes = run_file(args.url, path)
        everything += outcomes
        result = figures(outcomes)
        print(f"== {path}")
        for line in result.lines():
            print(f"  {line}")
        for o in outcomes:
            if not o.accepted or o.late_emergency:
                tag = "UNDER" if o.under else "OVER" if o.over else "LATE"
                print(f"  {tag} {o.vignette.id}: got {o.level}, accept {o.vignette.accept}: {o.vignette.turns}")
        if result.under or result.late_emergencies:
            status = 1
    if args.json:
        args.json.write_text(
            json.dumps(
                [{"id": o.vignette.id, "level": o.level, "transcript": o.transcript} for o in everything], indent=1
            ),
            encoding="utf-8",
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
