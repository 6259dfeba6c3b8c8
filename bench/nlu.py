"""Our NLU alone, the whole path of a message: the spaCy pipeline with the symptom extractor
(build_pipeline + extract_findings) and the learned red-flag layer (masking + scoring every
sentence), message by message, on one core; messages per second of the whole path.

These are the parts of each turn that are ours and not Rasa's (SpacyNLP runs the pipeline,
SymptomExtractor and RedFlagRouter read its findings, RedFlagClassifier scores the sentences),
so their times say how much of a turn they can explain. The learned layer is timed on its own
(the same Doc, scored as the Rasa component scores it) inside the same loop, so its share of a
turn is read directly.
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
    """Build the pipeline (timed), fit the learned layer as `rasa train` does, warm up, then time
    `rounds` passes over every message through the whole path: the pipeline on the lower-cased
    text, the findings, and the learned layer's score. Pinned to one core while timed."""
    import os

    from bot.nlp.findings import extract_findings
    from bot.nlp.pipeline import build_pipeline
    from bot.nlp.red_flag_model import RedFlagModel, training_examples

    texts = messages()
    start = time.perf_counter()
    nlp = build_pipeline()
    build_s = time.perf_counter() - start
    model = RedFlagModel.fit_examples(training_examples(), nlp)  # as `rasa train` fits it
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})
    try:
        for text in texts[:warmup]:
            model.best(nlp(text.lower()))
        latencies: List[float] = []
        learned: List[float] = []
        found = 0
        start = time.perf_counter()
        for _ in range(rounds):
            for text in texts:
                t0 = time.perf_counter()
                doc = nlp(text.lower())
                found += len(extract_findings(doc))
                t1 = time.perf_counter()
                model.best(doc)
                t2 = time.perf_counter()
                latencies.append((t2 - t0) * 1000)
                learned.append((t2 - t1) * 1000)
        total = time.perf_counter() - start
    finally:
        os.sched_setaffinity(0, cores)
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


def line(figures: NluFigures) -> str:
    return (
        f"ours nlu_path_incl_learned_layer one_core messages_per_s={figures.messages_per_s:.0f} "
        f"p50_ms={figures.p50_ms or 0:.2f} p95_ms={figures.p95_ms or 0:.2f} messages={figures.messages} "
        f"rounds={figures.rounds} findings_per_round={figures.findings} build_pipeline_s={figures.build_s:.2f} "
        f"learned_layer_p50_ms={figures.learned_p50_ms or 0:.2f} learned_layer_p95_ms={figures.learned_p95_ms or 0:.2f}"
    )
