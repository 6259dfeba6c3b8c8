"""The real-language corpus (data/real_language/): statements real people wrote in public.

Each file is also a vignette file (`vignettes:` with `id`, `turns`, `accept`), so the vignette
tool scores it as it is; the other keys say where the words come from and how they were labelled.
Loaded strictly: a typo in a label would silently change a safety figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Mapping, Sequence, Set, Tuple

import yaml

from bot.names import Level
from bot.paths import REAL_LANGUAGE_DIR
from bot.triage.engine import LEVELS

DEV_FILE = REAL_LANGUAGE_DIR / "dev.yml"
FROZEN_FILE = REAL_LANGUAGE_DIR / "frozen.yml"
# The second batch (collected and split on 2026-11-30, before this session's changes to the
# learned layer): its own frozen and development parts.
DEV_2_FILE = REAL_LANGUAGE_DIR / "dev_2.yml"
FROZEN_2_FILE = REAL_LANGUAGE_DIR / "frozen_2.yml"
# The third batch (collected later the same day, frozen whole before the layer's operating point
# was chosen again): test only, no development part.
FROZEN_3_FILE = REAL_LANGUAGE_DIR / "frozen_3.yml"
FROZEN_4_FILE = REAL_LANGUAGE_DIR / "frozen_4.yml"
# The fifth batch (2026-12-01): split in halves before anything was built on it.
FROZEN_5_FILE = REAL_LANGUAGE_DIR / "frozen_5.yml"
DEV_3_FILE = REAL_LANGUAGE_DIR / "dev_3.yml"
# The sixth batch (2026-12-01, an eighth session): split in halves before anything was built on it.
FROZEN_6_FILE = REAL_LANGUAGE_DIR / "frozen_6.yml"
DEV_4_FILE = REAL_LANGUAGE_DIR / "dev_4.yml"
# The seventh batch (2026-12-01, a ninth session): split in halves before anything was built on it.
FROZEN_7_FILE = REAL_LANGUAGE_DIR / "frozen_7.yml"
DEV_5_FILE = REAL_LANGUAGE_DIR / "dev_5.yml"
# The development parts the learned layer learns from. Not dev_3: learned, it kept the first two
# parts' 105 of 110 emergencies out of fold at 25 % with 50 rather than 53 false emergencies, but on
# the frozen parts it lost one emergency and added one under-triage (for six fewer over-triages);
# safety first, so it was taken out again (README, seventh session). It stays for study.
DEV_FILES = (DEV_FILE, DEV_2_FILE)
# Every development part (a frozen statement must repeat none of them).
ALL_DEV_FILES = (DEV_FILE, DEV_2_FILE, DEV_3_FILE, DEV_4_FILE, DEV_5_FILE)
FROZEN_FILES = (
    FROZEN_FILE,
    FROZEN_2_FILE,
    FROZEN_3_FILE,
    FROZEN_4_FILE,
    FROZEN_5_FILE,
    FROZEN_6_FILE,
    FROZEN_7_FILE,
)
KINDS = ("real", "case_report_paraphrase")
SPEAKERS = ("patient", "caregiver", "unknown")
CATEGORIES = (
    "none",
    "hallucinations",
    "seizure",
    "confusion",
    "fever",
    "breathing",
    "heart_faint",
    "consciousness",
    "overdose",
    "suicidal",
    "pump_withdrawal",
    "depressant_mix",
)
TOPICS = (
    "oral_withdrawal",
    "oral_taper",
    "pump",
    "overdose",
    "misuse",
    "side_effect",
    "dependence",
    "question",
    "general_red_flag",
    "general_other",
)
_KEYS = {"id", "turns", "accept", "level", "category", "kind", "speaker", "topic", "source", "note"}


class CorpusError(ValueError):
    """A corpus file does not follow its format."""


@dataclass(frozen=True)
class Statement:
    """One statement, with its label (`level`) and the levels that count as correct (`accept`)."""

    id: str
    text: str
    level: str
    accept: Sequence[str]
    category: str
    kind: str
    speaker: str
    topic: str
    source: str
    note: str = ""

    @property
    def is_emergency(self) -> bool:
        return self.level == Level.EMERGENCY

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Statement:
        where = data.get("id", "?")
        unknown = set(data) - _KEYS
        missing = _KEYS - {"note"} - set(data)
        if unknown or missing:
            raise CorpusError(f"statement {where}: unknown keys {sorted(unknown)}, missing {sorted(missing)}")
        turns = data["turns"]
        if not (isinstance(turns, list) and len(turns) == 1 and isinstance(turns[0], str) and turns[0].strip()):
            raise CorpusError(f"statement {where}: `turns` must hold exactly one non-empty text")
        for key, allowed in (("level", LEVELS), ("category", CATEGORIES), ("kind", KINDS), ("speaker", SPEAKERS)):
            if data[key] not in allowed:
                raise CorpusError(f"statement {where}: {key} {data[key]!r} not one of {allowed}")
        if data["topic"] not in TOPICS:
            raise CorpusError(f"statement {where}: topic {data['topic']!r} not one of {TOPICS}")
        accept = list(data["accept"])
        if data["level"] not in accept or any(a not in LEVELS for a in accept):
            raise CorpusError(f"statement {where}: accept {accept} must be levels and include {data['level']!r}")
        if data["level"] == Level.EMERGENCY and accept != [Level.EMERGENCY]:
            raise CorpusError(f"statement {where}: an emergency accepts only [emergency]")
        if (data["level"] == Level.EMERGENCY) != (data["category"] != "none"):
            raise CorpusError(f"statement {where}: emergencies (and only they) have a red-flag category")
        return cls(
            id=str(data["id"]),
            text=turns[0],
            level=data["level"],
            accept=tuple(accept),
            category=data["category"],
            kind=data["kind"],
            speaker=data["speaker"],
            topic=data["topic"],
            source=str(data["source"]),
            note=str(data.get("note") or ""),
        )


def load_statements(path: Path) -> List[Statement]:
    """All statements of one corpus file; ids must be unique."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    statements = [Statement.from_dict(v) for v in data["vignettes"]]
    ids = [s.id for s in statements]
    if len(set(ids)) != len(ids):
        raise CorpusError(f"{path}: repeated ids")
    return statements


# Two statements are the same words when they share a run of this many words (about 60
# characters): helpers searching the same pages trim the same post differently.
SHARED_RUN_WORDS = 10


def _words(text: str) -> List[str]:
    return re.sub(r"[^a-z0-9' ]", " ", text.lower()).split()


def word_runs(text: str, size: int = SHARED_RUN_WORDS) -> Set[Tuple[str, ...]]:
    """Every run of `size` consecutive words of the text (the whole text when it is shorter)."""
    words = _words(text)
    if len(words) <= size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def overlapping(texts: Sequence[str], others: Sequence[str]) -> List[int]:
    """Indexes of `texts` that repeat one of `others` (the same words, or a shared run of words).

    A statement that is already in another part of the corpus is not unseen: the learned layer
    may have trained on it (a development part), or it would be counted twice (a frozen part).
    """
    seen: Set[Tuple[str, ...]] = set()
    whole = set()
    for other in others:
        seen |= word_runs(other)
        whole.add(" ".join(_words(other)))
    out = []
    for i, text in enumerate(texts):
        joined = " ".join(_words(text))
        short = len(_words(text)) <= SHARED_RUN_WORDS
        if joined in whole or word_runs(text) & seen or (short and any(joined in w for w in whole)):
            out.append(i)
    return out
