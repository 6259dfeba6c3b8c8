"""Open-loop load: messages arrive at a fixed rate whatever the bot does, ours and stock interleaved.

    python -m bench.open_loop [--rates 5,10,20,40] [--seconds 20] [--warmup 5] [--repeats 5] [--json FILE]
    python -m bench.open_loop --table FILE.json     # the tables of a run saved with --json

The closed-loop phases of `python -m bench` let a slow server receive less load (each simulated
person waits for the reply before writing again: coordinated omission). Here arrivals are a
Poisson process at the stated rate (messages a second); each message is the next turn of a
scripted multi-turn conversation that is not waiting for a reply (a new conversation starts when
none is free), so conversations stay realistic and one conversation never has two turns in
flight. Latency is measured from the message's *intended* send time, so a generator or server
that falls behind shows it. Samples whose intended time falls in the warm-up (the first
`--warmup` seconds) or the last second are left out; errors and unexpected replies are counted
beside every figure. Each (rate, repeat) runs ours then stock, then the next repeat stock then
ours. Reported per bot and rate: the median and min-max over repeats of p50/p95/p99 and
throughput, errors, the machine's load average and CPU steal during the phase, and the load
generator's own CPU seconds (it shares the cores). The saturation rate of a bot is the highest
rate whose median p99 is under 1 s with no error and no unexpected reply in any repeat.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import sys
import tempfile
import time
import uuid
from collections import deque
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Deque, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import aiohttp

from bench import conversations, servers
from bench.load import Conversation, Sample, Summary, send, server_for, summarize, webhook
from bench.report import Spread, cpu_steal_ticks, git_commit, loadavg, spread

SATURATION_P99_MS = 1000.0


def arrivals(rate: float, seconds: float, rng: random.Random) -> List[float]:
    """Poisson arrival times in [0, seconds) at `rate` a second."""
    times, t = [], rng.expovariate(rate)
    while t < seconds:
        times.append(t)
        t += rng.expovariate(rate)
    return times


def window(seconds: float, warmup: float) -> Tuple[float, float]:
    """The measurement window of a phase of `seconds`: after the warm-up, before the last second
    (the ramps at both ends are left out)."""
    return warmup, max(warmup, seconds - 1.0)


async def open_loop(
    url: Union[str, Sequence[str]],
    scripts: Sequence[Conversation],
    rate: float,
    seconds: float,
    warmup: float,
    seed: int,
    timeout_s: float,
    on_window: Optional[Callable[[str], None]] = None,
) -> Summary:
    """One open-loop phase; the summary counts only samples intended inside the window.

    `url` is one webhook or several (processes sharing the stores: each conversation's turns
    rotate over them, `bench.load.server_for`). `on_window("start")` and `on_window("end")` are
    called at the window's start and end (the scale-out run reads CPU times there).
    """
    urls = [url] if isinstance(url, str) else list(url)
    rng = random.Random(seed)
    schedule = arrivals(rate, seconds, rng)
    low, high = window(seconds, warmup)
    idle: Deque[Tuple[str, Conversation, int, int]] = deque()
    label = f"open-{uuid.uuid4().hex[:6]}"
    started_conversations = 0
    kept: List[Sample] = []
    completed = [0]  # answered turns whose reply came inside the window (the bot's throughput)
    tasks: List[asyncio.Task] = []
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout_s)) as session:
        start = time.perf_counter()

        async def marks() -> None:
            if on_window is None:
                return
            for at, what in ((low, "start"), (high, "end")):
                await asyncio.sleep(max(0.0, start + at - time.perf_counter()))
                on_window(what)

        async def turn(intended: float, sender: str, script: Conversation, position: int, number: int) -> None:
            target = server_for(urls, number, position)
            sample = await send(session, target, sender, script[position])
            # From the intended time: lateness of the generator or a queue at the server counts.
            now = time.perf_counter()
            waited = now - (start + intended)
            if sample.error is None and low <= now - start <= high:
                completed[0] += 1
            if low <= intended <= high:
                kept.append(Sample(waited, sample.error, sample.unexpected, sample.turn))
            if position + 1 < len(script):
                idle.append((sender, script, position + 1, number))

        tasks.append(asyncio.create_task(marks()))
        for intended in schedule:
            delay = start + intended - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if idle:
                sender, script, position, number = idle.popleft()
            else:
                number = started_conversations
                script = scripts[number % len(scripts)]
                sender, position = f"{label}-{number}", 0
                started_conversations += 1
            tasks.append(asyncio.create_task(turn(intended, sender, script, position, number)))
        await asyncio.gather(*tasks)
    return replace(summarize(kept, max(high - low, 1e-9)), completed=completed[0])


@dataclass
class Phase:
    bot: str
    rate: float
    repeat: int
    summary: Dict[str, Any]
    load_average: str
    steal_ticks: Optional[int]
    generator_cpu_s: float


@dataclass
class RateFigures:
    bot: str
    rate: float
    repeats: int
    p50_ms: Spread
    p95_ms: Spread
    p99_ms: Spread
    throughput: Spread
    errors: int
    unexpected: int
    samples: int


@dataclass
class Results:
    started: str
    commit: str
    machine: Dict[str, Any]
    settings: Dict[str, Any]
    phases: List[Phase] = field(default_factory=list)

    def figures(self) -> List[RateFigures]:
        out = []
        for bot in dict.fromkeys(p.bot for p in self.phases):
            for rate in dict.fromkeys(p.rate for p in self.phases if p.bot == bot):
                runs = [p.summary for p in self.phases if p.bot == bot and p.rate == rate]
                out.append(
                    RateFigures(
                        bot,
                        rate,
                        len(runs),
                        spread([r["p50_ms"] for r in runs]),
                        spread([r["p95_ms"] for r in runs]),
                        spread([r["p99_ms"] for r in runs]),
                        spread([r["throughput"] for r in runs]),
                        sum(sum(r["errors"].values()) for r in runs),
                        sum(r["unexpected"] for r in runs),
                        sum(r["n"] for r in runs),
                    )
                )
        return out

    def saturation(self, bot: str) -> Optional[float]:
        """The highest rate with median p99 under 1 s, no error and no unexpected reply."""
        return highest_clean_rate(
            (f.rate, f.p99_ms.median, f.errors == 0 and f.unexpected == 0) for f in self.figures() if f.bot == bot
        )


def highest_clean_rate(rates: Iterable[Tuple[float, Optional[float], bool]]) -> Optional[float]:
    """The saturation rate: the highest of (rate, median p99 in ms, clean) whose p99 is under
    SATURATION_P99_MS and that is clean (what disqualifies a rate is the caller's to say)."""
    good = [rate for rate, p99, clean in rates if clean and p99 is not None and p99 < SATURATION_P99_MS]
    return max(good) if good else None


def summary_dict(summary: Summary) -> Dict[str, Any]:
    return {
        "n": summary.n,
        "ok": summary.ok,
        "errors": dict(summary.errors),
        "unexpected": summary.unexpected,
        "p50_ms": summary.p50_ms,
        "p95_ms": summary.p95_ms,
        "p99_ms": summary.p99_ms,
        "throughput": summary.throughput,
        "completed": summary.completed,
    }


def measure_phase(
    bot: servers.Bot,
    scripts: Sequence[Conversation],
    rate: float,
    repeat: int,
    seconds: float,
    warmup: float,
    timeout: float = 30.0,
) -> Phase:
    """One phase on one bot, with the machine's load, the CPU steal and this generator's CPU."""
    steal, before = cpu_steal_ticks(), resource.getrusage(resource.RUSAGE_SELF)
    summary = asyncio.run(
        open_loop(webhook(bot.url), scripts, rate, seconds, warmup, 1000 * repeat + int(rate), timeout)
    )
    after, steal_after = resource.getrusage(resource.RUSAGE_SELF), cpu_steal_ticks()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    ticks = steal_after - steal if steal is not None and steal_after is not None else None
    return Phase(bot.name, rate, repeat, summary_dict(summary), loadavg(), ticks, round(cpu, 3))


def markdown(results: Results) -> List[str]:
    def cell(s: Spread, digits: int = 0) -> str:
        if s.median is None:
            return "n/a"
        return f"{s.median:.{digits}f} ({s.low:.{digits}f}–{s.high:.{digits}f})"

    lines = [
        f"Open loop, {results.settings['repeats']} interleaved repeats, {results.settings['seconds']} s per phase "
        f"({results.settings['warmup']} s warm-up left out), commit {results.commit}, {results.started}",
        "",
        "| bot | rate (msg/s) | p50 ms | p95 ms | p99 ms | throughput (turns/s) | errors | unexpected | samples |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for f in results.figures():
        lines.append(
            f"| {f.bot} | {f.rate:g} | {cell(f.p50_ms)} | {cell(f.p95_ms)} | {cell(f.p99_ms)} | "
            f"{cell(f.throughput, 1)} | {f.errors} | {f.unexpected} | {f.samples} |"
        )
    for bot in dict.fromkeys(p.bot for p in results.phases):
        rate = results.saturation(bot)
        lines.append(f"\nsaturation rate ({bot}): {'none of the rates' if rate is None else f'{rate:g} msg/s'}")
    return lines


def load_results(path: Path) -> Results:
    """The results a run wrote with --json (the README's tables are printed from it)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    results = Results(data["started"], data["commit"], data["machine"], data["settings"])
    results.phases = [Phase(**p) for p in data["phases"]]
    return results


def stock_bot(workdir: Path) -> Optional[servers.Bot]:
    """Stock Rasa from the cache a full `python -m bench` leaves, or trained now and cached."""
    model = servers.cached_stock_model()
    if model is None:
        project = workdir / "stock"
        servers.init_stock(project, servers.LOGS / "stock-init.log")
        trained = servers.train(
            project, "domain.yml", "config.yml", workdir / "stock-model", {}, servers.LOGS / "s.log"
        )
        servers.cache_stock(project, trained.model)
        model = servers.cached_stock_model()
    if model is None:
        return None
    (workdir / "stock-run").mkdir(parents=True, exist_ok=True)
    return servers.stock(servers.STOCK_CACHE, model, workdir / "stock-run")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", default="5,10,20,40", help="messages a second, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--warmup", type=float, default=5.0, help="first seconds of a phase left out")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--no-stock", action="store_true")
    parser.add_argument("--json", type=Path, help="write every phase and figure here")
    parser.add_argument("--table", type=Path, help="only print the tables of a JSON file an earlier run wrote")
    args = parser.parse_args(argv)
    # A SIGTERM (a timeout) must still stop the servers we started: turn it into SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.table:
        print("\n".join(markdown(load_results(args.table))))
        return 0
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    servers.LOGS.mkdir(parents=True, exist_ok=True)
    results = Results(
        started=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        commit=git_commit(),
        machine={"cores": len(os.sched_getaffinity(0)), "load_average_at_start": loadavg()},
        settings={
            "rates": rates,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "window": args.seconds - args.warmup - 1,
            "repeats": args.repeats,
        },
    )
    with tempfile.TemporaryDirectory(prefix="bench-open-") as tmp:
        workdir = Path(tmp)
        (workdir / "ours").mkdir()
        bots = [servers.ours(servers.ROOT / "models" / "baclofen.tar.gz", workdir / "ours")]
        if not args.no_stock:
            stock = stock_bot(workdir)
            if stock is not None:
                bots.append(stock)
        scripts = {"ours": conversations.OURS, "stock": conversations.STOCK}
        try:
            for bot in bots:
                bot.start()
            for repeat in range(args.repeats):
                order = bots if repeat % 2 == 0 else list(reversed(bots))
                for rate in rates:
                    for bot in order:
                        phase = measure_phase(
                            bot, scripts[bot.name], rate, repeat, args.seconds, args.warmup, args.timeout
                        )
                        results.phases.append(phase)
                        print(f"# {bot.name} rate {rate:g} repeat {repeat + 1}: {phase.summary}", flush=True)
        finally:
            for bot in bots:
                bot.stop()
    for line in markdown(results):
        print(line)
    if args.json:
        document = {
            **{k: v for k, v in asdict(results).items() if k != "phases"},
            "phases": [asdict(p) for p in results.phases],
            "figures": [asdict(f) for f in results.figures()],
            "saturation": {b.name: results.saturation(b.name) for b in bots},
        }
        args.json.write_text(json.dumps(document, indent=2), encoding="utf-8")
        print(f"JSON: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
