"""Which other language a message is written in, when it is clearly not English.

The bot reads English only; someone who writes "mi esposo tiene convulsiones" should at least be
told so in Spanish, with the emergency number (bot/knowledge/other_languages.yml). langid.py (a
registry package with its model inside, no download) names the language; it is only trusted for
three or more words and a high probability, so short or mixed English is never re-labelled.
"""

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any, Dict, List, Optional, Pattern

from bot.knowledge._files import read_yaml

LANGUAGES_FILE = "other_languages.yml"
MIN_WORDS = 3
MIN_PROBABILITY = 0.95


@lru_cache(maxsize=1)
def _languages() -> Dict[str, Any]:
    """other_languages.yml, checked: the same languages in every part, every text with its number."""
    data = read_yaml(LANGUAGES_FILE)
    if set(data) != {"texts", "red_flags", "suicidal", "emergency_texts"}:
        raise ValueError(f"{LANGUAGES_FILE}: expected 'texts', 'red_flags', 'suicidal' and 'emergency_texts'")
    codes = set(data["texts"])
    if any(set(data[part]) != codes for part in ("red_flags", "suicidal", "emergency_texts")):
        raise ValueError(
            f"{LANGUAGES_FILE}: every language needs a text, red flags, suicidal words and an emergency text"
        )
    for part in ("red_flags", "suicidal"):
        empty = [code for code, words in data[part].items() if not words or not all(str(w).strip() for w in words)]
        if empty:  # an empty word would match every message (a review of the change, 2026-12-01)
            raise ValueError(f"{LANGUAGES_FILE}: empty {part} for {empty}")
    for part in ("texts", "emergency_texts"):
        missing = [code for code, text in data[part].items() if "{emergency_number}" not in str(text)]
        if missing:
            raise ValueError(f"{LANGUAGES_FILE}: no {{emergency_number}} in {part} {missing}")
    return dict(data)


def other_language_texts() -> Dict[str, str]:
    """The "I read English only; for these signs call …" sentence per language code."""
    return {str(code): str(text) for code, text in _languages()["texts"].items()}


def emergency_texts() -> Dict[str, str]:
    """The "this may be an emergency: call … now" sentence per language code."""
    return {str(code): str(text) for code, text in _languages()["emergency_texts"].items()}


def fold(text: str) -> str:
    """Lower case without accents ("Confusión" -> "confusion"), so both spellings match."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


@cache
def _words_pattern(part: str, code: Optional[str]) -> Pattern[str]:
    lists = _languages()[part]
    words = lists.get(code, []) if code else [w for ws in lists.values() for w in ws]
    starts = sorted({fold(str(w)) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in starts) + ")", re.UNICODE)


def red_flag_words(text: str, code: Optional[str] = None) -> List[str]:
    """The red-flag words of other_languages.yml (of language `code`, or of all of them) in `text`."""
    if code is not None and code not in _languages()["red_flags"]:
        return []
    folded = fold(text or "")
    return [w for part in ("suicidal", "red_flags") for w in _words_pattern(part, code).findall(folded)]


def suicidal_words(text: str) -> List[str]:
    """The words of suicidal thoughts in other_languages.yml, of any of its languages, in `text`."""
    return _words_pattern("suicidal", None).findall(fold(text or ""))


def likely_other_language(text: str) -> Optional[str]:
    """The most likely language of `text` when it is probably not English (three words or more, the
    identifier gives English under one chance in two): "mi esposo no respira" is Portuguese 0.54,
    Spanish 0.45, and was read as English ("no": a denial). For red flags, not for the fallback line."""
    words = [w for w in (text or "").split() if any(c.isalpha() for c in w)]
    if len(words) < MIN_WORDS:
        return None
    ranked = _identifier().rank(" ".join(words))
    english = next((p for code, p in ranked if code == "en"), 0.0)
    top = next((code for code, _ in ranked if code != "en"), None)
    return str(top) if english < 0.5 and top in other_language_texts() else None


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
