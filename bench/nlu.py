"""The symptom extractor alone: build_pipeline + extract_findings, message by message.

This is the part of each turn that is ours and not Rasa's (SpacyNLP runs it, SymptomExtractor
and RedFlagRouter read its findings), so its rate says how much of a turn it can explain.
Messages are processed one at a time, as Rasa does, not with `nlp.pipe` batching. The texts are
the turns of the vignette sets (people's own wordings, a few hundred), plus the bench's own
conversations.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

import yaml

from bench.conversations import OURS
from bench.load import percentile

VIGNETTES = Path(__file__).resolve().parent.parent / "tests" / "vignettes"


@dataclass(frozen=True)
class NluFigures:
    messages: int
    rounds: int
    build_s: float
    messages_per_s: float
    p50_ms: Optional[float]
    p95_ms: Optional[float]
    findings: int


def messages() -> List[str]:
    """Distinct texts from the vignette sets and our conversations, in a stable order."""
    texts: List[str] = [turn.text for conversation in OURS for turn in conversation]
    for path in sorted(VIGNETTES.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        texts += (data.get("defaults") or {}).get("followups") or []
        for vignette in data.get("vignettes") or []:
            texts += list(vignette.get("turns") or []) + list(vignette.get("followups") or [])
    return list(dict.fromkeys(t for t in texts if isinstance(t, str) and t.strip()))


def run(rounds: int, warmup: int = 50) -> NluFigures:
    """Build the pipeline (timed), warm it up, then time `rounds` passes over every message."""
    from bot.nlp import extract_findings
    from bot.nlp.pipeline import build_pipeline

    texts = messages()
    start = time.perf_counter()
    nlp = build_pipeline()
    build_s = time.perf_counter() - start
    for text in texts[:warmup]:
        extract_findings(nlp(text.lower()))
    latencies: List[float] = []
    found = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            t0 = time.perf_counter()
            found += len(extract_findings(nlp(text.lower())))
            latencies.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    return NluFigures(
        messages=len(texts),
        rounds=rounds,
        build_s=build_s,
        messages_per_s=len(latencies) / total if total > 0 else 0.0,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        findings=found // max(rounds, 1),
    )
