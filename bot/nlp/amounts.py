"""How many milligrams someone says they took at once: "took 15 of my 20mg", "took 200mg of baclofen".

Pure: reads tokens of a spaCy Doc, no Rasa. The finding matcher (bot/nlp/matcher.py) calls it for
catalogue number rules with `amount: true` (bot/knowledge/catalogue.yml, overdose_taken): a count
of tablets alone says little (the strength is unknown), but a count with its strength, or a total
in milligrams, can be held against the amount where coma, delirium and seizures began in overdose
series (Leung 2006: 200 mg).

Written by hand because no library reads dose phrases in chat text; the cases are few and each
has a test (tests/bot/nlp/test_amounts.py).
"""

from __future__ import annotations

import re
from typing import Optional, Sequence, Tuple

from spacy.tokens import Doc

MG_UNITS = frozenset({"mg", "mgs", "milligram", "milligrams"})
# "10mgs" is one token to the tokeniser ("10mg" is two).
_NUMBER_WITH_UNIT = re.compile(r"^(\d+(?:\.\d+)?)(?:mg|mgs)$")
# Between a count and the tablets' strength: "15 of my 20mg", "3 x 20mg", and "10 or so 25mg ones"
# (but "10 or 20 mg" is one dose or the other, not ten tablets of 20 mg).
CONNECTORS = frozenset({"of", "my", "his", "her", "their", "the", "those", "these", "x", "×", "*"})
ROUGHLY = ("or", "so")
# A total stated in milligrams counts only when it is said to be baclofen, or a mistake for a dose:
# "took 400mg" alone is one ibuprofen tablet.
BACLOFEN_WORDS = frozenset({"baclofen", "lioresal", "ozobax", "lyvispah", "fleqsuvy"})
CONFIRMING = frozenset({"instead"}) | BACLOFEN_WORDS
# Not an amount taken at once: a daily total ("took 80mg a day", "80mg daily"), a total over time
# ("20 of my 10mg over the week", "since monday", "in the last 3 days"), or what is left ("30 of my
# 10mg left", "in the bottle"). "Today" and "last night" say when it was taken, not how often
# ("took 15 of my 20mg last night" is 300 mg at once).
EVERY = frozenset({"a", "per", "every", "each"})
PERIODS = frozenset({"day", "week", "night"})
NOT_AT_ONCE = frozenset({"daily", "nightly", "weekly", "over", "since", "left"})
NOT_AT_ONCE_PHRASES = (("in", "the", "last"), ("in", "the", "past"), ("in", "the", "bottle"), ("this", "week"))


def carries_mg(text: str) -> bool:
    """Whether a token is a number written with its unit ("10mgs")."""
    return bool(_NUMBER_WITH_UNIT.match(text.lower()))


def _value(text: str) -> Tuple[Optional[float], bool]:
    """The number a token holds, and whether the token also carries "mg" ("10mgs")."""
    found = _NUMBER_WITH_UNIT.match(text.lower())
    if found:
        return float(found.group(1)), True
    try:
        return float(text), False
    except ValueError:
        return None, False


def _not_at_once(doc: Doc, end: int) -> bool:
    """ "a day", "daily", "over the week", "since monday", "left", "in the last 3 days" within the
    next few words."""
    words = [t.lower_ for t in doc[end : end + 4]]
    pairs = zip(words, words[1:], strict=False)
    if any(w in NOT_AT_ONCE for w in words) or any(a in EVERY and b in PERIODS for a, b in pairs):
        return True
    return any(tuple(words[k : k + len(p)]) == p for p in NOT_AT_ONCE_PHRASES for k in range(len(words)))


def amount_taken(doc: Doc, i: int, tablet_mg: Sequence[float]) -> Optional[Tuple[float, int]]:
    """(milligrams, end token index) for the amount whose first number is token i, else None.

    Either a total ("200mg of baclofen", "200 mg instead of 20mg") or a count times a strength
    from `tablet_mg` ("15 of my 20mg", "12 10mgs", "3 x 20 mg tablets").
    """
    first, with_unit = _value(doc[i].text)
    if first is None:
        return None
    j = i + 1
    if with_unit or (j < len(doc) and doc[j].lower_ in MG_UNITS):
        end = j if with_unit else j + 1
        confirmed = any(t.lower_ in CONFIRMING for t in doc[end : end + 3])
        if not confirmed or _not_at_once(doc, end):
            return None
        return first, end
    while j < len(doc) and j - i <= 3:
        if doc[j].lower_ in CONNECTORS:
            j += 1
        elif tuple(t.lower_ for t in doc[j : j + 2]) == ROUGHLY:
            j += 2
        else:
            break
    if j >= len(doc):
        return None
    strength, strength_with_unit = _value(doc[j].text)
    if strength is None or strength not in tablet_mg:
        return None
    if strength_with_unit:
        end = j + 1
    elif j + 1 < len(doc) and doc[j + 1].lower_ in MG_UNITS:
        end = j + 2
    else:
        return None
    if end < len(doc) and doc[end].text == "/":  # a liquid's strength ("5mg/5ml"): not per tablet
        return None
    if _not_at_once(doc, end):
        return None
    return first * strength, end
