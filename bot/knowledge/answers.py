"""Answers to questions about baclofen (bot/knowledge/answers.yml), keyed by intent."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Tuple

from bot.knowledge._files import read_yaml
from bot.knowledge.catalogue import CatalogueError, load_catalogue

ANSWERS_FILE = "answers.yml"


@dataclass(frozen=True)
class Answer:
    intent: str
    question: str
    text: str
    sources: Tuple[str, ...]


@lru_cache(maxsize=1)
def load_answers() -> Dict[str, Answer]:
    """All answers; every cited source must exist in sources.yml."""
    known = load_catalogue().sources
    out: Dict[str, Answer] = {}
    for intent, data in read_yaml(ANSWERS_FILE)["answers"].items():
        unknown_keys = set(data) - {"question", "text", "sources"}
        if unknown_keys:
            raise CatalogueError(f"answer {intent!r}: unknown keys {sorted(unknown_keys)}")
        missing = set(data["sources"]) - known.keys()
        if missing:
            raise CatalogueError(f"answer {intent!r} cites unknown sources {sorted(missing)}")
        out[intent] = Answer(intent, data["question"], " ".join(data["text"].split()), tuple(data["sources"]))
    return out
