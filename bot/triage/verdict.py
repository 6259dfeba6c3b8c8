"""Under- or over-triage: a level given, compared with the levels accepted for a case.

Its own module because every tool that scores the bot (the vignette and real-language scorers,
the scenario runner and its report) must call a level under- or over-triage the same way; the
worst defect is an under-triage, so it must never depend on which tool counted it.
"""

from __future__ import annotations

from typing import Literal, Sequence

from bot.triage.engine import reported_rank

Verdict = Literal["accepted", "under", "over", "between"]


def triage_verdict(given: str, accepted: Sequence[str]) -> Verdict:
    """How `given` compares with `accepted` (reported levels, "none" up to "emergency").

    "accepted": one of them; "under": below every one of them (under-triage, the dangerous
    error); "over": above every one of them; "between": none of them, but neither below nor
    above all (accepted routine or emergency, given urgent). ValueError for an unknown level
    or nothing accepted.
    """
    if not accepted:
        raise ValueError("no accepted level to compare with")
    rank = reported_rank(given)
    ranks = [reported_rank(level) for level in accepted]
    if given in accepted:
        return "accepted"
    if rank < min(ranks):
        return "under"
    if rank > max(ranks):
        return "over"
    return "between"
