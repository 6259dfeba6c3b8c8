"""Our NLU alone: the symptom extractor (build_pipeline + findings_of_text) and the learned
red-flag layer (masking + scoring every sentence), message by message.

These are the parts of each turn that are ours and not Rasa's (SpacyNLP runs the pipeline,
SymptomExtractor and RedFlagRouter read its findings, RedFlagClassifier scores the sentences),
so their times say how much of a turn they can explain. The learned layer is timed on its own
(the same Doc, scored as the Rasa component scores it), so its cost per turn is read directly.
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
    learned_p50_ms: Optional[float] = None
    learned_p95_ms: Optional[float] = None


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
    from bot.nlp import findings_of_text
    from bot.nlp.pipeline import build_pipeline
    from bot.nlp.red_flag_model import RedFlagModel, training_examples

    texts = messages()
    start = time.perf_counter()
    nlp = build_pipeline()
    build_s = time.perf_counter() - start
    for text in texts[:warmup]:
        findings_of_text(text, nlp)
    latencies: List[float] = []
    found = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            t0 = time.perf_counter()
            found += len(findings_of_text(text, nlp))
            latencies.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    model = RedFlagModel.fit_examples(training_examples(), nlp)  # as `rasa train` fits it
    docs = [nlp(text.lower()) for text in texts]
    learned: List[float] = []
    for _ in range(rounds):
        for doc in docs:
            t0 = time.perf_counter()
            model.best(doc)
            learned.append((time.perf_counter() - t0) * 1000)
    return NluFigures(
        messages=len(texts),
        rounds=rounds,
        build_s=build_s,
        messages_per_s=len(latencies) / total if total > 0 else 0.0,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        findings=found // max(rounds, 1),
        learned_p50_ms=percentile(learned, 50),
        learned_p95_ms=percentile(learned, 95),
    )
