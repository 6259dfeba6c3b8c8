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
# "i'm in the uk", "we live in australia", "based in germany".
_HERE = r"(?:i'm|im|i am|we're|we are|i live|we live|he lives|she lives|living|based|staying|here)"


@lru_cache(maxsize=1)
def regions() -> Mapping[str, Any]:
    """regions.yml, parsed once per process."""
    return read_yaml(REGIONS_FILE)


@lru_cache(maxsize=1)
def _cues() -> List[Tuple[Pattern[str], str]]:
    out = []
    for region, data in regions()["regions"].items():
        for number in data.get("said_numbers") or []:
            out.append((re.compile(rf"\b{_CALL}\s+(?:\w+\s+)?{re.escape(number)}\b"), region))
        places = "|".join(re.escape(p) for p in sorted(data.get("said_places") or [], key=len, reverse=True))
        if places:
            out.append((re.compile(rf"\b{_HERE}\s+in\s+(?:{places})\b|\b(?:{places})[- ]based\b"), region))
    return out


def region_said(texts: Iterable[str], deployment: Optional[str] = None) -> Optional[str]:
    """The region the person's latest cue places them in, if any.

    A cue that gives the deployment's own emergency number (911 in Canada) keeps the deployment's
    region, so its crisis line stays.
    """
    data = regions()["regions"]
    found: Optional[str] = None
    for text in texts:
        lowered = (text or "").lower()
        hits = [(m.start(), region) for pattern, region in _cues() for m in pattern.finditer(lowered)]
        if hits:
            found = max(hits)[1]
    if found and deployment in data and data[deployment]["emergency_number"] == data[found]["emergency_number"]:
        return deployment
    return found
