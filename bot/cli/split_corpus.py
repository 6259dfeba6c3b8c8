"""Split collected real-language statements into a frozen test part and a development part.

    python -m bot.cli.split_corpus COLLECTED.yml [...] [--frozen-share 0.35] [--seed 20261130] [--batch 2|3|4|5|6|7]

Run once, before anything is built on the corpus: the frozen part (data/real_language/frozen.yml)
is never used to train, tune a threshold or extend the lexicon; the development part
(data/real_language/dev.yml) may be. The split is random with a fixed seed, stratified by level
and, for emergencies, by red-flag category, and puts at least `--min-frozen-emergencies`
emergencies in the frozen part. Repeated texts (case and spacing ignored) are kept once.
"""

from __future__ import annotations

import argparse
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from bot.corpus import (
    ALL_DEV_FILES,
    DEV_2_FILE,
    DEV_3_FILE,
    DEV_4_FILE,
    DEV_5_FILE,
    DEV_FILE,
    FROZEN_2_FILE,
    FROZEN_3_FILE,
    FROZEN_4_FILE,
    FROZEN_5_FILE,
    FROZEN_6_FILE,
    FROZEN_7_FILE,
    FROZEN_FILE,
    FROZEN_FILES,
    Statement,
    load_statements,
    overlapping,
)
from bot.names import Level

HEADER = (
    "# Real-language corpus, {part} part: statements real people wrote in public (see README.md here).\n"
    "# Written by `python -m bot.cli.split_corpus`; {rule}\n"
)
RULES = {
    "frozen": "FROZEN: never used to train, tune a threshold or extend the lexicon.",
    "dev": "may be used to train the learned red-flag layer and to study misses.",
}


# Batch: (id prefix, frozen file, development file or None for a test-only batch).
BATCHES = {
    1: ("rl", FROZEN_FILE, DEV_FILE),
    2: ("rm", FROZEN_2_FILE, DEV_2_FILE),
    3: ("rn", FROZEN_3_FILE, None),
    4: ("ro", FROZEN_4_FILE, None),
    5: ("rp", FROZEN_5_FILE, DEV_3_FILE),
    6: ("rq", FROZEN_6_FILE, DEV_4_FILE),
    7: ("rr", FROZEN_7_FILE, DEV_5_FILE),
}


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def collected(paths: Sequence[Path], prefix: str = "rl", existing: Sequence[str] = ()) -> List[Dict[str, Any]]:
    """The statements of the collection files, as corpus entries with ids, repeats dropped.

    A statement that shares its words with one already in the corpus (`existing`, see
    bot.corpus.overlapping) is dropped after numbering, so ids keep their collection order and a
    gap shows where one went: helpers searching the same pages find the same posts again.
    """
    seen = set()
    out: List[Dict[str, Any]] = []
    for path in paths:
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["statements"]:
            if _key(item["text"]) in seen:
                continue
            seen.add(_key(item["text"]))
            entry = {
                "id": f"{prefix}{len(out) + 1:03d}",
                "turns": [item["text"].strip()],
                "accept": list(item["accept"]),
                "level": item["level"],
                "category": item["category"],
                "kind": item["kind"],
                "speaker": item["speaker"],
                "topic": item["topic"],
                "source": item["source"],
            }
            if item.get("note"):
                entry["note"] = item["note"]
            Statement.from_dict(entry)  # strict check before anything is written
            out.append(entry)
    repeated = set(overlapping([e["turns"][0] for e in out], existing))
    if repeated:
        print(f"dropped {len(repeated)} statements already in the corpus")
    return [e for i, e in enumerate(out) if i not in repeated]


def split(
    entries: Sequence[Dict[str, Any]], share: float, seed: int, min_emergencies: int
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(frozen, dev): per stratum, round(share * size) entries go to the frozen part."""
    rng = random.Random(seed)
    strata: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for e in entries:
        strata[f"{e['level']}/{e['category']}"].append(e)
    frozen_ids = set()
    for name in sorted(strata):
        group = list(strata[name])
        rng.shuffle(group)
        frozen_ids |= {e["id"] for e in group[: round(share * len(group))]}
    emergencies = [e for e in entries if e["level"] == Level.EMERGENCY and e["id"] not in frozen_ids]
    rng.shuffle(emergencies)
    missing = min_emergencies - sum(e["level"] == Level.EMERGENCY and e["id"] in frozen_ids for e in entries)
    frozen_ids |= {e["id"] for e in emergencies[: max(missing, 0)]}
    return [e for e in entries if e["id"] in frozen_ids], [e for e in entries if e["id"] not in frozen_ids]


def write(path: Path, part: str, entries: Sequence[Dict[str, Any]]) -> None:
    body = yaml.safe_dump({"vignettes": list(entries)}, sort_keys=False, allow_unicode=True, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(part=part, rule=RULES[part]) + body, encoding="utf-8")


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--frozen-share", type=float, default=0.35)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--min-frozen-emergencies", type=int, default=32)
    parser.add_argument("--batch", type=int, choices=sorted(BATCHES), default=1, help="files frozen_N, dev_N")
    args = parser.parse_args(argv)
    prefix, frozen_file, dev_file = BATCHES[args.batch]
    existing = [
        s.text
        for f in (*ALL_DEV_FILES, *FROZEN_FILES)
        if f not in (frozen_file, dev_file) and f.exists()
        for s in load_statements(f)
    ]
    entries = collected(args.files, prefix, existing)
    frozen, dev = split(entries, args.frozen_share, args.seed, args.min_frozen_emergencies)
    write(frozen_file, "frozen", frozen)
    if dev_file is not None:
        write(dev_file, "dev", dev)
    elif dev:
        raise SystemExit(f"batch {args.batch} is test only: use --frozen-share 1")
    for name, part in (("frozen", frozen), ("dev", dev)):
        levels: Dict[str, int] = defaultdict(int)
        for e in part:
            levels[e["level"]] += 1
        print(f"{name}: {len(part)} statements, by level {dict(sorted(levels.items()))}")


if __name__ == "__main__":
    main()
