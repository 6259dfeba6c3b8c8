"""Deterministic triage: from what the person said to a level with cited reasons."""

from bot.triage.engine import LEVELS, REPORTED_LEVELS, Assessment, assess, level_rank, reported_rank
from bot.triage.payload import triage_payload
from bot.triage.situation import Situation, route_named, situation_from_turns
from bot.triage.verdict import Verdict, triage_verdict

__all__ = [
    "LEVELS",
    "REPORTED_LEVELS",
    "Assessment",
    "Situation",
    "Verdict",
    "assess",
    "level_rank",
    "reported_rank",
    "route_named",
    "situation_from_turns",
    "triage_verdict",
    "triage_payload",
]
