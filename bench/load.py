"""The load generator: scripted conversations over Rasa's REST channel, and their statistics.

One simulated person runs whole conversations (same sender id for every turn of one
conversation), waiting for each reply before the next message, as a person does. Many people run
at once on one aiohttp session. Every request has a timeout and every run a bounded number of
requests. A turn counts as an error when the HTTP status is not 200, it times out, the connection
fails, the body is not a JSON list, the reply is empty, or our guard had to answer because the bot
itself did not (`custom.triage.fallback`, or the "something went wrong" apology): those are the
turns a person would see fail, so they are never folded into the latency figures or dropped.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import aiohttp

# The start of `utter_service_trouble` (domain.yml): the guard's apology for a turn
# that produced nothing. The bot answered, but the turn failed.
GUARD_APOLOGY = "Sorry, something went wrong on our side"


@dataclass(frozen=True)
class Turn:
    """One message and, optionally, a substring its reply digest must contain (a sanity check)."""

    text: str
    expect: str = ""


Conversation = Sequence[Turn]


@dataclass(frozen=True)
class Sample:
    """One turn as the client saw it: `error` is None when the bot answered."""

    latency_s: float
    error: Optional[str] = None
    unexpected: bool = False
    turn: str = ""


@dataclass(frozen=True)
class Summary:
    """What one phase measured. Latencies are over answered turns; errors are counted apart."""

    n: int
    ok: int
    errors: Dict[str, int]
    unexpected: int
    wall_s: float
    p50_ms: Optional[float]
    p95_ms: Optional[float]
    p99_ms: Optional[float]
    mean_ms: Optional[float]
    max_ms: Optional[float]
    by_turn_p50_ms: Dict[str, float] = field(default_factory=dict)
    # Open loop: answered turns whose reply came inside the measurement window, whenever they were
    # sent. None (closed loop): every answered turn of the run counts.
    completed: Optional[int] = None

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        """Answered turns a second: of the run (closed loop), or completed inside the window (open
        loop: what the bot delivered, which falls below the arrival rate once it saturates)."""
        done = self.ok if self.completed is None else self.completed
        return done / self.wall_s if self.wall_s > 0 else 0.0


@dataclass(frozen=True)
class Pace:
    """Seconds a person waits between a reply and their next message (uniform in [low, high])."""

    low: float
    high: float

    def draw(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)


HUMAN_PACE = Pace(2.0, 4.0)


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The q-th percentile (0-100) with linear interpolation between ranks (numpy's default).

    None for no values, so an empty phase shows as "n/a" instead of a made-up 0.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be in [0, 100], got {q}")
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(samples: Sequence[Sample], wall_s: float) -> Summary:
    """Percentiles, mean and max in milliseconds over answered turns, plus the error counts."""
    answered = [s.latency_s * 1000 for s in samples if s.error is None]
    per_turn: Dict[str, List[float]] = {}
    for s in samples:
        if s.error is None:
            per_turn.setdefault(s.turn, []).append(s.latency_s * 1000)

    def pct(q: float) -> Optional[float]:
        return percentile(answered, q)

    return Summary(
        n=len(samples),
        ok=len(answered),
        errors=dict(sorted(Counter(s.error for s in samples if s.error is not None).items())),
        unexpected=sum(1 for s in samples if s.error is None and s.unexpected),
        wall_s=wall_s,
        p50_ms=pct(50),
        p95_ms=pct(95),
        p99_ms=pct(99),
        mean_ms=sum(answered) / len(answered) if answered else None,
        max_ms=max(answered) if answered else None,
        by_turn_p50_ms={turn: percentile(values, 50) or 0.0 for turn, values in per_turn.items()},
    )


def digest(messages: List[Dict[str, Any]]) -> Tuple[str, Optional[str]]:
    """The reply's texts and triage levels as one string, and the error it shows, if any."""
    if not messages:
        return "", "empty"
    parts: List[str] = []
    for message in messages:
        if not isinstance(message, dict):
            return "", "bad_body"
        text = message.get("text")
        if isinstance(text, str):
            if text.startswith(GUARD_APOLOGY):
                return text, "guard_apology"
            parts.append(text)
        custom = message.get("custom")
        triage = custom.get("triage") if isinstance(custom, dict) else None
        if isinstance(triage, dict):
            if triage.get("fallback"):
                return text or "", "guard_fallback"
            parts.append(f"triage={triage.get('level')}")
    if not any(parts):
        return "", "empty"
    return " ".join(parts), None


async def send(session: aiohttp.ClientSession, url: str, sender: str, turn: Turn) -> Sample:
    """POST one message and classify the outcome; the latency is the whole request, body included."""
    start = time.perf_counter()
    sample = partial(Sample, turn=turn.text)
    try:
        async with session.post(url, json={"sender": sender, "message": turn.text}) as response:
            if response.status != 200:
                await response.read()
                return sample(time.perf_counter() - start, f"http_{response.status}")
            body = await response.json(content_type=None)
    except asyncio.TimeoutError:
        return sample(time.perf_counter() - start, "timeout")
    except aiohttp.ClientError:
        return sample(time.perf_counter() - start, "connection")
    except ValueError:
        return sample(time.perf_counter() - start, "bad_json")
    elapsed = time.perf_counter() - start
    if not isinstance(body, list):
        return sample(elapsed, "bad_body")
    text, error = digest(body)
    return sample(elapsed, error, unexpected=bool(turn.expect) and turn.expect.lower() not in text.lower())


def server_for(urls: Sequence[str], person_index: int, turn_index: int) -> str:
    """The server that gets a person's `turn_index`-th turn: with several servers, each turn goes
    to the next one (as a proxy without sticky sessions would), so consecutive turns of one
    conversation land on different processes and share state only through the stores."""
    return urls[(person_index + turn_index) % len(urls)]


async def person(
    session: aiohttp.ClientSession,
    urls: Sequence[str],
    index: int,
    label: str,
    conversations: Sequence[Conversation],
    pace: Optional[Pace],
    rng: random.Random,
) -> List[Sample]:
    """Person number `index` running `conversations` in order, each with a fresh sender id."""
    samples: List[Sample] = []
    if pace is not None:  # people do not all arrive in the same millisecond
        await asyncio.sleep(rng.uniform(0, pace.high))
    for number, conversation in enumerate(conversations):
        sender = f"{label}-{number}-{uuid.uuid4().hex[:8]}"
        for position, turn in enumerate(conversation):
            if pace is not None and (position or number):
                await asyncio.sleep(pace.draw(rng))
            samples.append(await send(session, server_for(urls, index, len(samples)), sender, turn))
    return samples


def plan(scripts: Sequence[Conversation], people: int, min_turns: int) -> List[List[Conversation]]:
    """The conversations each person runs: scripts in rotation, enough for at least `min_turns`."""
    per_script = sum(len(c) for c in scripts) / len(scripts)
    each = max(1, math.ceil(min_turns / (people * per_script)))
    return [[scripts[(p + k) % len(scripts)] for k in range(each)] for p in range(people)]


async def run_load(
    url: Union[str, Sequence[str]],
    scripts: Sequence[Conversation],
    people: int,
    min_turns: int,
    pace: Optional[Pace],
    timeout_s: float = 30.0,
    seed: int = 9,
) -> Summary:
    """`people` at once, each running its planned conversations; wall time is the whole phase.

    `url` is one webhook, or several (servers sharing the conversation and lock stores), in
    which case turns rotate over them (`server_for`).
    """
    urls = [url] if isinstance(url, str) else list(url)
    if not urls:
        raise ValueError("run_load needs at least one webhook URL")
    rng = random.Random(seed)
    label = f"bench-{uuid.uuid4().hex[:6]}"
    plans = plan(scripts, people, min_turns)
    connector = aiohttp.TCPConnector(limit=people + 4)
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        start = time.perf_counter()
        results = await asyncio.gather(
            *(
                person(session, urls, i, f"{label}-p{i}", plans[i], pace, random.Random(rng.random()))
                for i in range(people)
            )
        )
        wall = time.perf_counter() - start
    return summarize([s for samples in results for s in samples], wall)


def webhook(base_url: str) -> str:
    return base_url.rstrip("/") + "/webhooks/rest/webhook"


@dataclass
class LoadResults:
    """All phases of one bot: the one-at-a-time run and each (pace, people) concurrent run."""

    sequential: Optional[Summary] = None
    concurrent: Dict[Tuple[str, int], Summary] = field(default_factory=dict)
