"""Score the real-language corpus against a running bot, by red-flag category.

    python -m bot.cli.real_language data/real_language/frozen.yml --url http://127.0.0.1:5005

Each statement is the first message of a fresh conversation over the REST channel. An emergency
counts as caught only if the emergency advice comes in the reply to that message. Other
statements are followed, while the bot asks and has not given a level, by neutral answers
(FOLLOWUPS); their level is the highest the bot gave. Real statements and case-report paraphrases
are reported apart. As in the vignette sets, no assessment at all (`none`) counts as `self_care`
(information only; the bot answered without telling anyone to seek care). Texts of the frozen
part are never printed (ids only), so reading a report cannot turn it into a tuning set.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from bot.corpus import FROZEN_FILES, Statement, load_statements
from bot.flows.bots import RemoteBot
from bot.flows.vignettes import Outcome, Vignette, run_vignette
from bot.names import Level

# "no" to tablets-or-pump (the route stays unknown), what happened, anything else; then the vignette
# runner's own "no" to the red-flag screen.
FOLLOWUPS = ["no", "that's all", "no other symptoms"]


@dataclass(frozen=True)
class Scored:
    statement: Statement
    outcome: Outcome

    @property
    def caught(self) -> bool:
        return self.outcome.emergency_in_turns


@dataclass(frozen=True)
class Figures:
    emergencies: int
    caught: int
    non_emergencies: int
    under: int
    over: int
    accepted: int
    total: int

    @property
    def sensitivity(self) -> float:
        return self.caught / self.emergencies if self.emergencies else 1.0

    @property
    def under_rate(self) -> float:
        return self.under / self.non_emergencies if self.non_emergencies else 0.0

    @property
    def over_rate(self) -> float:
        return self.over / self.non_emergencies if self.non_emergencies else 0.0

    def line(self) -> str:
        return (
            f"emergency sensitivity {self.sensitivity:.2f} ({self.caught}/{self.emergencies}); "
            f"non-emergency under-triage {self.under_rate:.2f} ({self.under}/{self.non_emergencies}), "
            f"over-triage {self.over_rate:.2f} ({self.over}/{self.non_emergencies}); "
            f"accuracy {self.accepted / max(self.total, 1):.2f} ({self.accepted}/{self.total})"
        )


def figures(scored: Sequence[Scored]) -> Figures:
    emergencies = [s for s in scored if s.statement.is_emergency]
    others = [s for s in scored if not s.statement.is_emergency]
    return Figures(
        emergencies=len(emergencies),
        caught=sum(s.caught for s in emergencies),
        non_emergencies=len(others),
        under=sum(s.outcome.under for s in others),
        over=sum(s.outcome.over for s in others),
        accepted=sum(s.caught if s.statement.is_emergency else s.outcome.accepted for s in scored),
        total=len(scored),
    )


def by_category(scored: Sequence[Scored]) -> Dict[str, Figures]:
    groups: Dict[str, List[Scored]] = defaultdict(list)
    for s in scored:
        if s.statement.is_emergency:
            groups[s.statement.category].append(s)
    return {name: figures(group) for name, group in sorted(groups.items())}


def score(url: str, statements: Sequence[Statement]) -> List[Scored]:
    client = RemoteBot(url)
    out = []
    for s in statements:
        accept = [*s.accept, Level.NONE] if Level.SELF_CARE in s.accept else list(s.accept)
        vignette = Vignette(s.id, accept, [s.text], [] if s.is_emergency else list(FOLLOWUPS))
        out.append(Scored(s, run_vignette(client, vignette)))
    return out


def report(scored: Sequence[Scored], show_texts: bool) -> List[str]:
    lines = []
    for kind in ("real", "case_report_paraphrase"):
        part = [s for s in scored if s.statement.kind == kind]
        if part:
            lines.append(f"{kind}: {figures(part).line()}")
    lines.append(f"all: {figures(scored).line()}")
    lines.append("emergencies by category (real and paraphrased):")
    for name, f in by_category(scored).items():
        lines.append(f"  {name:16} {f.caught}/{f.emergencies}")
    for s in scored:
        st, o = s.statement, s.outcome
        if st.is_emergency and not s.caught:
            tag = "MISSED"
        elif not st.is_emergency and o.under:
            tag = "UNDER"
        elif not st.is_emergency and o.over:
            tag = "OVER"
        else:
            continue
        text = f": {st.text}" if show_texts else ""
        lines.append(f"  {tag} {st.id} ({st.kind}, {st.category}) got {o.level}, accept {list(st.accept)}{text}")
    return lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--json", type=Path, help="also write each statement's level and transcript")
    args = parser.parse_args(argv)
    scored = score(args.url, load_statements(args.file))
    frozen = args.file.resolve() in {f.resolve() for f in FROZEN_FILES}
    print(f"== {args.file}")
    for line in report(scored, show_texts=not frozen):
        print(line)
    if args.json:
        rows = [{"id": s.statement.id, "level": s.outcome.level, "caught": s.caught} for s in scored]
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
