"""Playing scenarios through the bot exactly as a channel would, and judging the replies.

Each scenario is one conversation with a fresh sender id, through the REST channel of a running
server or through the same guard in this process (`bot/flows/bots.py`). The level of a turn is
read from `custom.triage.level` in its replies, as the widget does. What the bot understood in
each message (symptom, context, whose symptom) is read from the conversation the bot stored (its
tracker: always in process; from a server with `--enable-api` and its token); when that cannot
be read, from Rasa's NLU (`POST /model/parse`) or the project's spaCy pipeline in this process,
and the report says which. Judging is pure (`bot/flows/judging.py`), so reports can be tested
without a bot.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Callable, List, Optional, Sequence, Tuple, Union

import requests
from tqdm import tqdm

from bot.flows.bots import InProcessBot, RemoteBot
from bot.flows.judging import judge
from bot.flows.results import Run, ScenarioResult, TurnResult
from bot.flows.scenario import Scenario, ScenarioFile
from bot.nlu.entities import findings_from_entities
from bot.types import Finding

# text -> (findings, intent name or None)
Understand = Callable[[str], Tuple[List[Finding], Optional[str]]]
Bot = Union[RemoteBot, InProcessBot]
STORED = "what the bot stored for each message (its tracker)"


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
