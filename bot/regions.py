"""Where the person is, from their own words: "should I ring 999?", "I'm in Australia".

The deployment's region (BOT_REGION) gives the numbers by default; a person who names another
region's emergency number, or says they are in another region, gets that region's numbers for the
rest of the conversation, so a British user of a US deployment is not told to call 911 (fourth
exploratory test, 2026-12-01). The cues are data (bot/knowledge/regions.yml). Read from the
words of the messages rather than kept in a slot: the channel guard, which answers when the
action server is down, must read them the same way without Rasa.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, List, Mapping, Optional, Pattern, Tuple

from bot.knowledge._files import read_yaml

REGIONS_FILE = "regions.yml"
# "call 999", "should i ring 999", "dialled triple zero" is not read (words, not the number).
_CALL = r"(?:call|calls|calling|called|ring|rings|ringing|rang|dial|dials|dialed|dialled|dialing|dialling|phone|phoned)"
# "i'm in the uk", "we live in australia", "based in germany": the person, now (not "he lives in
# england but is visiting us", not "we were living in germany until last year": a review, 2026-12-01).
_HERE = r"(?:i'm|im|i am|we're|we are|i live|we live|based|here)"


@lru_cache(maxsize=1)
def regions() -> Mapping[str, Any]:
    """regions.yml, parsed once per process."""
    return read_yaml(REGIONS_FILE)


@lru_cache(maxsize=1)
def _cues() -> List[Tuple[Pattern[str], str, bool]]:
    """(pattern, region, whether it is a place rather than a number)."""
    out = []
    for region, data in regions()["regions"].items():
        for number in data.get("said_numbers") or []:
            out.append((re.compile(rf"\b{_CALL}\s+(?:\w+\s+)?{re.escape(number)}\b"), region, False))
        places = "|".join(re.escape(p) for p in sorted(data.get("said_places") or [], key=len, reverse=True))
        if places:
            out.append((re.compile(rf"\b{_HERE}\s+in\s+(?:{places})\b|\b(?:{places})[- ]based\b"), region, True))
    return out


def region_said(texts: Iterable[str], deployment: Optional[str] = None) -> Optional[str]:
    """The region the person's latest cue places them in, if any: a place said beats a number said
    ("I'm in Australia, should I call 911?" is Australia).

    A cue that gives the deployment's own emergency number keeps the deployment's region, so its
    crisis line stays.
    """
    data = regions()["regions"]
    place: Optional[str] = None
    number: Optional[str] = None
    for text in texts:
        lowered = (text or "").lower()
        # In text order, so the latest cue of each kind is the one kept.
        for _, region, is_place in sorted((m.start(), r, p) for c, r, p in _cues() for m in c.finditer(lowered)):
            if is_place:
                place = region
            else:
                number = region
    found = place or number
    if found and deployment in data and data[deployment]["emergency_number"] == data[found]["emergency_number"]:
        return deployment
    return found
