"""Building and saving the project's spaCy pipeline (no pretrained model is needed).

blank English -> sentencizer -> lookup lemmatizer (spacy-lookups-data) -> catalogue matcher
-> ConText. Rasa's SpacyNLP loads the saved folder by path (config.yml).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

import bot.nlp  # noqa: F401  (registers our factories)

PIPELINE_NAME = "baclofen_en"


def build_pipeline() -> Language:
    """A fresh pipeline; the lemmatizer's tables come from the spacy-lookups-data package."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    # Added after initialize(): our components build themselves from the catalogue.
    nlp.add_pipe("baclofen_finding_matcher")
    nlp.add_pipe("baclofen_context")
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "Baclofen symptom matcher with medspaCy ConText, built from bot/knowledge"
    return nlp


@lru_cache(maxsize=1)
def shared_pipeline() -> Language:
    """One pipeline for the whole process, built on first use (seconds) and kept: for code that reads
    a text without a model loaded (the channels' guard, the scenario runner)."""
    return build_pipeline()


def save_pipeline(path: Path) -> Path:
    """Write the pipeline to `path` (a folder SpacyNLP can load) and return it."""
    nlp = build_pipeline()
    path.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    return path
