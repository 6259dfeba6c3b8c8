"""Score triage vignettes against a running bot over its REST channel, as a person would reach it.

    python -m bot.cli.vignettes tests/vignettes/baclofen.yml --url http://127.0.0.1:5005

Prints emergency sensitivity, under-triage, over-triage and accuracy, and every vignette that
was not accepted. Exit code 1 when any vignette was under-triaged (the worst defect), or when an
emergency was given only after the follow-up answers instead of in the scripted turns.
Format of the files: docs/vignette-format.md; reading and playing them: bot/flows/vignettes.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

from bot.flows.bots import RemoteBot
from bot.flows.vignettes import Outcome, load_vignettes, run_vignette
from bot.names import Level


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
