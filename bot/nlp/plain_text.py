"""Text as a keyboard may type it, made plain before it is read.

Phone keyboards put a curly apostrophe in "can’t" and "won’t": spaCy's tokenizer exceptions, the
catalogue's phrases and ConText's cues are written with the straight one, so "he won’t wake up"
and "I can’t breathe" were not read at all (a review of the change, 2026-12-01). NFKC also turns
full-width letters ("ｎｏｔ ｂｒｅａｔｈｉｎｇ") into plain ones.
"""

import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "\u2032": "'", "`": "'"})
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"'})


def plain(text: str) -> str:
    """NFKC-normalised, with curly apostrophes and quotes made straight."""
    return unicodedata.normalize("NFKC", text or "").translate(_APOSTROPHES).translate(_QUOTES)
