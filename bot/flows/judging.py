"""Judging a played scenario against what it expects (pure: no bot, so reports can be tested
without one): levels, the turn they come in, what the bot said and never said, what it understood."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from bot.flows.results import ScenarioResult, TurnResult
from bot.flows.scenario import ASKS, Scenario, Turn
from bot.names import Response
from bot.paths import PROJECT_ROOT
from bot.triage import triage_verdict
from bot.types import Finding

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"


def normalise(text: str) -> str:
    """Case, curly quotes and spacing do not matter when phrases are compared."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


# Texts every assessment carries: `never says` does not look into them ("Never stop, restart or
# change a baclofen dose on your own" must not fail a scenario that says `never says: [stop]`).
STANDARD_RESPONSES = (Response.DISCLAIMER,)


@lru_cache(maxsize=1)
def standard_texts() -> Tuple[str, ...]:
    responses = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["responses"]
    return tuple(normalise(v["text"]) for name in STANDARD_RESPONSES for v in responses[name])


def own_words(texts: Sequence[str]) -> List[str]:
    """A turn's texts without the standard ones."""
    return [t for t in texts if normalise(t) not in standard_texts()]


def _contains(texts: Sequence[str], phrase: str) -> bool:
    return normalise(phrase) in normalise(" ".join(texts))


def _snippet(texts: Sequence[str], phrase: Optional[str] = None, width: int = 70) -> str:
    """A short quote of what the bot said, around `phrase` when given."""
    whole = re.sub(r"\s+", " ", " | ".join(texts)).strip()
    if not whole:
        return "(no text)"
    at = normalise(whole).find(normalise(phrase)) if phrase else 0
    start = max(at - width, 0) if at >= 0 else 0
    quote = whole[start : start + 2 * width + (len(phrase) if phrase else 0)]
    return ("…" if start else "") + quote + ("…" if start + len(quote) < len(whole) else "")


@lru_cache(maxsize=1)
def question_texts() -> Dict[str, List[str]]:
    """What the bot says when it asks each `asks:` question, every variant (from domain.yml)."""
    responses = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["responses"]
    return {name: [normalise(v["text"]) for v in responses[utter]] for name, utter in ASKS.items() if utter}


def describe_finding(finding: Finding) -> str:
    """ "confusion (negated, someone else)" — the words a scenario's `understood:` uses."""
    context = [finding["assertion"]]
    if finding["experiencer"] == "other":
        context.append("someone else")
    return f"{finding['id']} ({', '.join(context)})"


def _levels_in_words(levels: Sequence[str]) -> str:
    return " or ".join(levels)


def _judge_turn(expected: Turn, turn: TurnResult) -> None:
    said = " ".join(turn.texts)
    if expected.levels and turn.level not in expected.levels:
        gave = "gave no level" if turn.level == "none" else f"gave {turn.level}"
        wanted = _levels_in_words(expected.levels)
        turn.problems.append(f"turn {turn.number}: expected level {wanted}, the reply {gave}")
        verdict = triage_verdict(turn.level, expected.levels)
        turn.under = verdict == "under"
        turn.over = verdict == "over"
    if expected.asks:
        questions = question_texts()
        asked = [name for name, texts in questions.items() if any(t in normalise(said) for t in texts)]
        if expected.asks == "nothing" and asked:
            turn.problems.append(f"turn {turn.number}: expected no question, the bot asked '{asked[0]}'")
        elif expected.asks != "nothing" and expected.asks not in asked:
            what = f"asked '{asked[0]}'" if asked else f"said: {_snippet(turn.texts)}"
            turn.problems.append(f"turn {turn.number}: expected the bot to ask '{expected.asks}', it {what}")
    for phrase in expected.says:
        if not _contains(turn.texts, phrase):
            turn.problems.append(f"turn {turn.number}: missing '{phrase}'; the bot said: {_snippet(turn.texts)}")
    for phrase in expected.never_says:
        if _contains(turn.texts, phrase):
            quote = _snippet(turn.texts, phrase)
            turn.problems.append(f"turn {turn.number}: says '{phrase}', which it must not: {quote}")
    if expected.starts_with:
        first = turn.texts[0] if turn.texts else ""
        if not normalise(first).startswith(normalise(expected.starts_with)):
            turn.problems.append(
                f"turn {turn.number}: the first reply should start with '{expected.starts_with}', "
                f"it starts: {_snippet([first]) if first else '(no text)'}"
            )
    if expected.understood:
        if turn.understood is None:
            turn.problems.append(f"turn {turn.number}: cannot check `understood` (understanding was switched off)")
            return
        for u in expected.understood:
            if not any(u.matches(f) for f in turn.understood):
                got = ", ".join(describe_finding(f) for f in turn.understood) or "nothing"
                turn.problems.append(f"turn {turn.number}: expected to understand '{u.written}'; understood: {got}")


def judge(scenario: Scenario, turns: List[TurnResult], error: Optional[str] = None) -> ScenarioResult:
    """Compare what happened with what the scenario expects; every difference is said in words."""
    result = ScenarioResult(scenario, turns, error=error)
    # A conversation cut short by an error has fewer turns than the scenario.
    for expected, turn in zip(scenario.turns, turns, strict=False):
        _judge_turn(expected, turn)
    if error:
        return result
    number = result.given_turn
    if result.given not in scenario.levels:
        elsewhere = [t.number for t in turns if t.level in scenario.levels]
        if scenario.in_turn and result.earlier_turn:
            message = (
                f"expected {scenario.expected} in turn {scenario.in_turn}; it came earlier than expected, "
                f"in turn {result.earlier_turn} (safer; update the scenario if that is right)"
            )
        elif scenario.in_turn:
            gave = "no level" if result.given == "none" else result.given
            message = f"expected {scenario.expected} in turn {scenario.in_turn}, turn {scenario.in_turn} gave {gave}"
            if elsewhere:
                message += f" ({turns[elsewhere[0] - 1].level} came in turn {elsewhere[0]})"
        elif number is None:
            message = f"expected {scenario.expected}, the bot gave no level"
        else:
            message = f"expected {scenario.expected}, the bot gave {result.given} (turn {number})"
        result.problems.append(message)
    judged = turns[number - 1] if number and number <= len(turns) else None
    advice = judged.texts if judged else [text for t in turns for text in t.texts]
    where = f"turn {number}" if judged else "the conversation"
    for phrase in scenario.says:
        if not _contains(advice, phrase):
            result.problems.append(f"the advice ({where}) does not say '{phrase}'; it said: {_snippet(advice)}")
    for phrase in scenario.never_says:
        for t in turns:
            if _contains(own_words(t.texts), phrase):
                result.problems.append(
                    f"turn {t.number} says '{phrase}', which it must never say: {_snippet(t.texts, phrase)}"
                )
    if scenario.symptoms:
        listed = list((judged.triage or {}).get("symptoms", [])) if judged else []
        missing = [s for s in scenario.symptoms if s not in listed]
        if missing:
            listing = ", ".join(listed) or "nothing"
            result.problems.append(f"the assessment ({where}) does not list {', '.join(missing)}; it listed: {listing}")
    return result
