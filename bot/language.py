"""Which other language a message is written in, when it is clearly not English.

The bot reads English only; someone who writes "mi esposo tiene convulsiones" should at least be
told so in Spanish, with the emergency number (bot/knowledge/other_languages.yml). langid.py (a
registry package with its model inside, no download) names the language; it is only trusted for
three or more words and a high probability, so short or mixed English is never re-labelled.
"""

from functools import lru_cache
from typing import Any, Dict, Optional

from bot.knowledge._files import read_yaml

LANGUAGES_FILE = "other_languages.yml"
MIN_WORDS = 3
MIN_PROBABILITY = 0.95


@lru_cache(maxsize=1)
def other_language_texts() -> Dict[str, str]:
    """The sentence per language code; every text must carry {emergency_number}."""
    data = read_yaml(LANGUAGES_FILE)
    if set(data) != {"texts"}:
        raise ValueError(f"{LANGUAGES_FILE}: expected only 'texts'")
    texts = {str(code): str(text) for code, text in data["texts"].items()}
    missing = [code for code, text in texts.items() if "{emergency_number}" not in text]
    if missing:
        raise ValueError(f"{LANGUAGES_FILE}: no {{emergency_number}} in {missing}")
    return texts


@lru_cache(maxsize=1)
def _identifier() -> Any:  # langid.py has no type hints
    from langid.langid import LanguageIdentifier, model

    identifier = LanguageIdentifier.from_modelstring(model, norm_probs=True)
    # English and the languages we have a sentence for: the choice is between those only.
    identifier.set_languages(["en", *other_language_texts()])
    return identifier


def load() -> None:
    """Load the identifier's model now (1 to 2 s) rather than in someone's turn."""
    _identifier()


def other_language(text: str) -> Optional[str]:
    """The code of the language of `text` when it is confidently one of other_languages.yml's."""
    words = [w for w in (text or "").split() if any(c.isalpha() for c in w)]
    if len(words) < MIN_WORDS:
        return None
    code, probability = _identifier().classify(" ".join(words))
    if code == "en" or code not in other_language_texts() or probability < MIN_PROBABILITY:
        return None
    return str(code)
