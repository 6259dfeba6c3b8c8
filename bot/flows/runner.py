"""Playing scenarios through the bot exactly as a channel would, and judging the replies.

Each scenario is one conversation with a fresh sender id, through the REST channel of a running
server or through the same guard in this process (`bot/flows/bots.py`). The level of a turn is
read from `custom.triage.level` in its replies, as the widget does. What the bot understood in
each message (symptom, context, whose symptom) is read from the conversation the bot stored (its
tracker: always in process; from a server with `--enable-api` and its token); when that cannot
be read, from Rasa's NLU (`POST /model/parse`) or the project's spaCy pipeline in this process,
and the report says which. Judging is pure (`judge`), so reports can be tested without a bot.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import requests
import yaml
from tqdm import tqdm

from bot.flows.bots import InProcessBot, RemoteBot
from bot.flows.scenario import ASKS, Scenario, ScenarioFile, Turn
from bot.nlu.entities import findings_from_entities
from bot.triage import REPORTED_LEVELS, triage_verdict
from bot.triage import reported_rank as rank
from bot.types import Finding

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"

# text -> (findings, intent name or None)
Understand = Callable[[str], Tuple[List[Finding], Optional[str]]]
Bot = Union[RemoteBot, InProcessBot]
STORED = "what the bot stored for each message (its tracker)"


# ----------------------------------------------------------------------------- results


@dataclass
class TurnResult:
    """One patient message, the bot's replies, what it understood, and what did not match."""

    number: int
    patient: str
    replies: List[Dict[str, Any]]
    understood: Optional[List[Finding]] = None  # None: not annotated
    intent: Optional[str] = None
    problems: List[str] = field(default_factory=list)
    under: bool = False
    over: bool = False

    @property
    def texts(self) -> List[str]:
        return [str(r["text"]) for r in self.replies if r.get("text")]

    @property
    def triage(self) -> Optional[Dict[str, Any]]:
        """The most severe `custom.triage` payload among this turn's replies."""
        found = [
            r["custom"]["triage"]
            for r in self.replies
            if isinstance(r.get("custom"), dict) and isinstance(r["custom"].get("triage"), dict)
        ]
        known = [t for t in found if t.get("level") in REPORTED_LEVELS]
        return max(known, key=lambda t: rank(t["level"])) if known else None

    @property
    def level(self) -> str:
        triage = self.triage
        return triage["level"] if triage else "none"


@dataclass
class ScenarioResult:
    """A played scenario: its turns, the level judged, and every difference from what was expected."""

    scenario: Scenario
    turns: List[TurnResult]
    problems: List[str] = field(default_factory=list)
    error: Optional[str] = None
    seconds: float = 0.0

    @property
    def given_turn(self) -> Optional[int]:
        """The turn whose level is judged: `in turn`, else the last turn that gave a level."""
        if self.scenario.in_turn:
            return self.scenario.in_turn
        with_level = [t.number for t in self.turns if t.level != "none"]
        return with_level[-1] if with_level else None

    @property
    def given(self) -> str:
        """The level the bot gave in the judged turn ("none" when it gave none)."""
        number = self.given_turn
        if number is None or number > len(self.turns):
            return "none"
        return self.turns[number - 1].level

    @property
    def earlier_turn(self) -> Optional[int]:
        """The turn before `in turn` that already gave an accepted level, when the judged turn did not.

        Earlier is safer (the emergency advice one message sooner): a difference to report, never
        an under-triage.
        """
        in_turn = self.scenario.in_turn
        if not in_turn or self.given in self.scenario.levels:
            return None
        return next((t.number for t in self.turns[: in_turn - 1] if t.level in self.scenario.levels), None)

    @property
    def level_seen(self) -> str:
        """The level to count in the report's matrix: the judged turn's, or the earlier one's."""
        earlier = self.earlier_turn
        return self.turns[earlier - 1].level if earlier else self.given

    @property
    def higher_before(self) -> bool:
        """A turn before the judged one already gave a level above the accepted ones (the emergency
        advice where `urgent` was expected): an over-triage, though the judged turn gave none."""
        in_turn = self.scenario.in_turn
        if not in_turn:
            return False
        return any(triage_verdict(t.level, self.scenario.levels) == "over" for t in self.turns[: in_turn - 1])

    @property
    def level_under(self) -> bool:
        return triage_verdict(self.given, self.scenario.levels) == "under"

    @property
    def level_over(self) -> bool:
        return triage_verdict(self.given, self.scenario.levels) == "over"

    @property
    def category(self) -> str:
        """pass | under | earlier | over | failed | error; under-triage wins, as the most dangerous."""
        if self.error:
            return "error"
        if not self.problems and not any(t.problems for t in self.turns):
            return "pass"
        if any(t.under for t in self.turns):
            return "under"
        if self.earlier_turn:
            return "earlier"
        if self.level_under and not self.higher_before:
            return "under"
        if self.higher_before:
            return "over"
        if self.level_over or any(t.over for t in self.turns):
            return "over"
        return "failed"

    @property
    def passed(self) -> bool:
        return self.category == "pass"

    @property
    def all_problems(self) -> List[str]:
        """Every difference, the scenario's first, then each turn's."""
        return [*([self.error] if self.error else []), *self.problems, *(p for t in self.turns for p in t.problems)]


@dataclass
class Run:
    """Everything one run produced, for the terminal, the JUnit file and the HTML report."""

    results: List[ScenarioResult]
    url: str
    understanding: str
    started: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    seconds: float = 0.0

    @property
    def failed(self) -> List[ScenarioResult]:
        return [r for r in self.results if not r.passed]

    def by_category(self, category: str) -> List[ScenarioResult]:
        return [r for r in self.results if r.category == category]


# ----------------------------------------------------------------------------- judging


def normalise(text: str) -> str:
    """Case, curly quotes and spacing do not matter when phrases are compared."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


# Texts every assessment carries: `never says` does not look into them ("Never stop, restart or
# change a baclofen dose on your own" must not fail a scenario that says `never says: [stop]`).
STANDARD_RESPONSES = ("utter_disclaimer",)


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


# ----------------------------------------------------------------------------- understanding


def parse_api(url: str, session: requests.Session, timeout: float = 30.0) -> Understand:
    """Rasa's NLU over HTTP: the server's own reading of the message (needs `rasa run --enable-api`)."""
    endpoint = url.rstrip("/") + "/model/parse"

    def understand(text: str) -> Tuple[List[Finding], Optional[str]]:
        response = session.post(endpoint, json={"text": text}, timeout=timeout)
        response.raise_for_status()
        body = response.json()
        return findings_from_entities(body.get("entities", [])), (body.get("intent") or {}).get("name")

    return understand


def local_pipeline() -> Understand:
    """The project's spaCy pipeline in this process; lower-cased first, as Rasa's SpacyNLP does."""
    from bot.nlp.findings import findings_of_text  # heavy (spaCy, medspaCy): only when needed
    from bot.nlp.pipeline import shared_pipeline

    nlp = shared_pipeline()  # built now, not in the first scenario's time
    return lambda text: (findings_of_text(text, nlp), None)


def choose_understanding(bot: Bot, mode: str) -> Tuple[Optional[Understand], str]:
    """The way to read each message, and its name for the report. (None, STORED): read what the
    bot stored; (None, "off"): nothing."""
    if mode == "off":
        return None, "off"
    if mode in ("auto", "stored"):
        probe = f"flows-probe-{uuid.uuid4().hex[:8]}"
        try:
            bot.send(probe, "hello")
            readable = bot.understood(probe) is not None
        except (requests.RequestException, ValueError):
            readable = False
        if readable:
            return None, STORED
        if mode == "stored":
            raise RuntimeError("the server's conversations cannot be read: start it with --enable-api and give --token")
    if mode in ("auto", "api") and isinstance(bot, RemoteBot):
        try:
            probe_reply = bot.session.post(f"{bot.base}/model/parse", json={"text": "hello"}, timeout=10)
            usable = probe_reply.ok and isinstance(probe_reply.json(), dict) and "entities" in probe_reply.json()
        except (requests.RequestException, ValueError):
            usable = False
        if usable:
            return parse_api(bot.base, bot.session), "Rasa NLU of the running server, re-computed (POST /model/parse)"
        if mode == "api":
            raise RuntimeError(f"{bot.base}/model/parse is not available: start the server with --enable-api")
    return local_pipeline(), "the project's spaCy pipeline in the runner, re-computed (the bot's record is unreadable)"


# ----------------------------------------------------------------------------- playing


def play(bot: Bot, scenario: Scenario, understand: Optional[Understand] = None, stored: bool = False) -> ScenarioResult:
    """One conversation with a fresh sender id, then judged."""
    slug = re.sub(r"[^a-z0-9]+", "-", scenario.name.lower()).strip("-")[:40]
    sender = f"flows-{slug}-{uuid.uuid4().hex[:8]}"
    turns: List[TurnResult] = []
    error = None
    started = time.monotonic()
    for number, turn in enumerate(scenario.turns, start=1):
        try:
            replies = bot.advance(sender, turn.clock) if turn.clock else bot.send(sender, turn.patient)
        except (requests.RequestException, ValueError) as e:
            error = f"turn {number}: the bot did not answer ({type(e).__name__}: {e})"
            break
        result = TurnResult(number, turn.patient, replies if isinstance(replies, list) else [])
        if stored and not turn.clock:
            read = bot.understood(sender)
            if read is None:
                result.problems.append(f"turn {number}: could not read what the bot stored for this message")
            else:
                result.understood, result.intent = read
        elif understand is not None and not turn.clock:
            try:
                result.understood, result.intent = understand(turn.patient)
            except (requests.RequestException, ValueError) as e:
                result.problems.append(f"turn {number}: could not read what the bot understood ({e})")
        turns.append(result)
    judged = judge(scenario, turns, error)
    judged.seconds = time.monotonic() - started
    return judged


def check_bot(bot: Bot) -> Optional[str]:
    """None when the bot answers, else why not (so a run fails once, clearly)."""
    try:
        bot.send(f"flows-probe-{uuid.uuid4().hex[:8]}", "hello")
    except (requests.RequestException, ValueError) as e:
        where = bot.base if isinstance(bot, RemoteBot) else "this process"
        return f"the bot at {where} does not answer on /webhooks/rest/webhook ({type(e).__name__}: {e})"
    return None


def run(files: Sequence[ScenarioFile], bot: Bot, understanding: str = "auto", progress: bool = True) -> Run:
    """Play every scenario of every file (each wording of a turn in its own run), with a progress bar."""
    understand, how = choose_understanding(bot, understanding)
    scenarios = [v for f in files for s in f.scenarios for v in s.variants()]
    started = time.monotonic()
    results = [
        play(bot, s, understand, stored=how == STORED)
        for s in tqdm(scenarios, desc="scenarios", unit="scenario", disable=not progress, dynamic_ncols=True)
    ]
    where = bot.base if isinstance(bot, RemoteBot) else "the trained model in this process (no server)"
    return Run(results=results, url=where, understanding=how, seconds=time.monotonic() - started)
