"""`python -m bench [--quick] [--json FILE]`: how fast, how big, how many, against stock Rasa in the same run.

Full mode (for people; about 29 minutes on 2 cores, estimated from the settings below and printed
at the start, the real duration printed at the end):
1. training, every step timed with a fresh Rasa cache, into a temporary folder: ours = the spaCy
   pipeline build, the generated NLU data and `rasa train`; stock = `rasa init` (which trains once,
   reported apart) and `rasa train`;
2. 5 cold starts per bot, alternating ours and stock (the last of each stays up);
3. warm-up, then memory (Rasa server and action server RSS);
4. one conversation at a time: 5 repeats of 60 turns, ours and stock alternating;
5. open-loop load (`bench/open_loop.py`): Poisson arrivals at 10, 20, 30, 40, 50 and 60 messages
   a second (an earlier run saw both bots saturate between 40 and 60), 5 repeats of each rate,
   ours and stock alternating phase by phase (first bot swapped every repeat); each phase 14 s =
   3 s warm-up + 10 s measurement window + 1 s ramp-down, the ramps left out; saturation rate per
   bot; memory again;
6. scale-out (`bench/scale.py`): CPU per turn of one and of two Rasa processes on PostgreSQL +
   Redis at 20 msg/s, 3 interleaved repeats of the same 14 s phases; then 2 interleaved repeats
   at 40, 55 and 70 msg/s for each set-up's saturation rate;
7. our NLU path alone on one core (`bench/nlu.py`).
Arithmetic: 6 rates x 5 repeats x 2 bots x (14 s + ~1 s between phases) = 15 min of open loop;
training ~3.5 min, cold starts 5 x (17 + 37 s) ~4.5 min, scale-out (3 + 3 x 2) x 2 phases of 15 s
plus starting = 5.3 min, the rest ~1 min.

Quick mode (CI, about 3 minutes, most of it starting the servers): no training (our
`models/baclofen.tar.gz`, the stock model cached by a full run, or no stock figures), one cold
start each, 20 turns one at a time, one open-loop phase at 10 msg/s (2 s warm-up + 6 s window),
one short scale-out phase each, one NLU round.

`--json FILE` writes every figure with its samples' summary, the date, the commit and the machine;
`python -m bench.report FILE [--readme README.md]` prints (and puts in the README) the tables.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bench import conversations, open_loop, scale, servers
from bench.load import Conversation, run_load, webhook
from bench.report import (
    cpu_steal_ticks,
    git_commit,
    loadavg,
    machine,
    markdown,
    summary_line,
    target_line,
    targets,
)


@dataclass(frozen=True)
class Settings:
    """How much to measure; the full and quick modes differ only here."""

    mode: str
    train: bool
    cold_starts: int  # per bot, alternating; the last start of each stays up for the measurements
    warmup_turns: int
    sequential_repeats: int
    sequential_turns: int
    rates: Tuple[float, ...]
    repeats: int
    warmup_s: float
    window_s: float
    nlu_rounds: int
    scale_rate: float
    scale_repeats: int
    scale_saturation_rates: Tuple[float, ...] = ()
    scale_saturation_repeats: int = 2

    @property
    def phase_s(self) -> float:
        """One open-loop phase: warm-up, measurement window, one second of ramp-down."""
        return self.warmup_s + self.window_s + 1.0


FULL_MODE = Settings(
    "full", True, 5, 10, 5, 60, (10.0, 20.0, 30.0, 40.0, 50.0, 60.0), 5, 3.0, 10.0, 5, 20.0, 3, (40.0, 55.0, 70.0), 2
)
QUICK_MODE = Settings("quick", False, 1, 5, 1, 20, (10.0,), 1, 2.0, 6.0, 1, 10.0, 1)

# What the estimate assumes (seconds, 2 cores, from earlier runs).
TRAIN_S = {"ours": 60.0, "stock": 150.0}  # stock: `rasa init` (trains once) + `rasa train`
COLD_START_S = {"ours": 17.0, "stock": 37.0}  # start, first answer, stop
TURN_S = 0.05  # one turn at a time
BETWEEN_PHASES_S = 1.0  # in-flight turns finishing, figures
SCALE_START_S = 45.0  # both set-ups (three Rasa processes, two action servers), warm-up
NLU_S = 20.0


def estimate_s(settings: Settings, stock: bool = True, with_scale: bool = True) -> float:
    """The run's expected wall time from its settings (printed first, compared at the end)."""
    bots = ["ours", "stock"] if stock else ["ours"]
    total = sum(TRAIN_S[b] for b in bots) if settings.train else 0.0
    total += settings.cold_starts * sum(COLD_START_S[b] for b in bots)
    total += len(bots) * (settings.warmup_turns + settings.sequential_repeats * settings.sequential_turns) * TURN_S
    phase = settings.phase_s + BETWEEN_PHASES_S
    total += len(settings.rates) * settings.repeats * len(bots) * phase
    if with_scale:
        scale_phases = settings.scale_repeats + len(settings.scale_saturation_rates) * settings.scale_saturation_repeats
        total += SCALE_START_S + 2 * scale_phases * phase
    return total + NLU_S * (1 + settings.nlu_rounds / 5) / 2


def say(line: str) -> None:
    print(line, flush=True)


def progress(text: str) -> None:
    print(f"# {text}", file=sys.stderr, flush=True)


def alternate(items: Sequence[Any], index: int) -> List[Any]:
    """`items` in order on even `index`, reversed on odd: ours first, then stock first, ..."""
    return list(items) if index % 2 == 0 else list(reversed(items))


Measured = Tuple[servers.Bot, Dict[str, Any], Sequence[Conversation]]


def cold_starts(bots: Sequence[Measured], runs: int) -> None:
    """`runs` starts per bot, alternating; every start but the last is stopped again."""
    for run in range(runs):
        for bot, entry, _ in alternate(bots, run):
            progress(f"{bot.name}: cold start {run + 1} of {runs}")
            seconds = bot.start()
            entry["cold_starts_s"].append(round(seconds, 2))
            # Memory of every start (not one reading): the spread says whether a figure is a fluke.
            entry["rss_mb"].setdefault("after_start", []).append(bot.rss_mb())
            say(f"{bot.name} cold_start_s={seconds:.2f} run={run + 1} rss_mb={entry['rss_mb']['after_start'][-1]}")
            if run < runs - 1:
                bot.stop()


def measure(bots: Sequence[Measured], settings: Settings, doc: Dict[str, Any]) -> None:
    """Warm-up and memory, one at a time, then the open-loop phases, memory again: on running bots."""
    for bot, entry, scripts in bots:
        warm = asyncio.run(run_load(webhook(bot.url), scripts, 1, settings.warmup_turns, None))
        say(f"{bot.name} warmup turns={warm.n} errors={warm.error_count} unexpected={warm.unexpected}")
        entry["rss_mb"]["after_warmup"] = bot.rss_mb()
        say(f"{bot.name} rss_mb_after_warmup {bot.rss_mb()}")
        bot._mark_logs()
    for repeat in range(settings.sequential_repeats):
        for bot, entry, scripts in alternate(bots, repeat):
            progress(f"{bot.name}: one at a time, repeat {repeat + 1}")
            summary = asyncio.run(run_load(webhook(bot.url), scripts, 1, settings.sequential_turns, None))
            entry["sequential"].append(open_loop.summary_dict(summary))
            say(summary_line(bot.name, f"one_at_a_time repeat={repeat + 1}", entry["sequential"][-1]))
    phases = doc["open_loop"]["phases"]
    for repeat in range(settings.repeats):
        for rate in settings.rates:
            for bot, _, scripts in alternate(bots, repeat):
                progress(f"{bot.name}: open loop {rate:g} msg/s, repeat {repeat + 1} of {settings.repeats}")
                phase = open_loop.measure_phase(bot, scripts, rate, repeat, settings.phase_s, settings.warmup_s)
                phases.append(asdict(phase))
                say(
                    summary_line(bot.name, f"open_loop rate={rate:g} repeat={repeat + 1}", phase.summary)
                    + f" loadavg={phase.load_average} steal_ticks={phase.steal_ticks} "
                    f"generator_cpu_s={phase.generator_cpu_s}"
                )
    for bot, entry, _ in bots:
        entry["rss_mb"]["after_load"] = bot.rss_mb()
        entry["rss_mb"]["peak"] = bot.rss_mb("VmHWM")
        entry["log_errors"] = bot.log_errors()
        say(f"{bot.name} rss_mb after_load={entry['rss_mb']['after_load']} peak={entry['rss_mb']['peak']}")
        say(f"{bot.name} rasa_log_errors={sum(entry['log_errors'].values())} {entry['log_errors'] or ''}".rstrip())


def parse(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI mode: no training, one rate, one repeat, short")
    parser.add_argument("--rates", help="open-loop rates, messages a second, comma-separated (default 5,10,20,30,40)")
    parser.add_argument("--repeats", type=int, help="repeats of each open-loop rate (default 5; quick 1)")
    parser.add_argument("--no-stock", action="store_true", help="measure ours only")
    parser.add_argument("--no-scale", action="store_true", help="skip the two-process (PostgreSQL + Redis) run")
    parser.add_argument(
        "--ours-tracker",
        choices=("sqlite", "memory"),
        default="sqlite",
        help="our conversation store: sqlite as deployed (default, a temporary file) or in memory as stock",
    )
    parser.add_argument("--json", type=Path, help="write every figure, the machine and the commit to this file")
    parser.add_argument("--markdown", type=Path, help="also write the Markdown tables to this file")
    return parser.parse_args(argv)


def train_bots(tmp: Path, ours_entry: Dict[str, Any], stock_entry: Optional[Dict[str, Any]]) -> Tuple[Path, Any]:
    """Train ours (every step) and stock; our model and (stock project, stock model) or None."""
    progress("training ours: spaCy pipeline, generated NLU data, rasa train (fresh cache)")
    steps, model = servers.train_ours(tmp / "ours-train", servers.LOGS / "ours-train.log")
    ours_entry["train"] = {
        "steps_s": {k: round(v, 2) for k, v in steps.items()},
        "total_s": round(sum(steps.values()), 2),
    }
    say(f"ours train_s={sum(steps.values()):.1f} " + " ".join(f"{k}={v:.1f}" for k, v in steps.items()))
    if stock_entry is None:
        return model, None
    project = tmp / "stock"
    progress("rasa init --no-prompt (creates the stock project and trains it once)")
    init_s = servers.init_stock(project, servers.LOGS / "stock-init.log")
    progress("training stock (fresh Rasa cache)")
    trained = servers.train(
        project, "domain.yml", "config.yml", tmp / "stock-model", {}, servers.LOGS / "stock-train.log"
    )
    stock_entry["train"] = {
        "steps_s": {"rasa_train": round(trained.seconds, 2), "rasa_init": round(init_s, 2)},
        "total_s": round(trained.seconds, 2),
    }
    say(f"stock train_s={trained.seconds:.1f} rasa_init_s={init_s:.1f} (rasa init, which also trains once)")
    servers.cache_stock(project, trained.model)
    return model, (project, trained.model)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse(argv)
    settings = QUICK_MODE if args.quick else FULL_MODE
    if args.rates:
        settings = replace(settings, rates=tuple(float(x) for x in args.rates.split(",") if x.strip()))
    if args.repeats:
        settings = replace(settings, repeats=args.repeats, sequential_repeats=args.repeats)
    # A SIGTERM (CI timeout) must still stop the servers we started: turn it into SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    estimate = estimate_s(settings, stock=not args.no_stock, with_scale=not args.no_scale)
    doc: Dict[str, Any] = {
        "version": 1,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": git_commit(),
        "mode": settings.mode,
        "machine": machine(servers.rasa_version()),
        "settings": {**asdict(settings), "phase_s": settings.phase_s, "ours_tracker": args.ours_tracker},
        "estimate_s": round(estimate),
        "bots": {},
        "open_loop": {
            "settings": {
                "rates": list(settings.rates),
                "repeats": settings.repeats,
                "seconds": settings.phase_s,
                "warmup": settings.warmup_s,
                "window": settings.window_s,
            },
            "phases": [],
        },
    }
    m = doc["machine"]
    say(
        f'machine nproc={m["nproc"]} cpu="{m["cpu"]}" mem_gb={m["mem_gb"]} python={m["python"]} rasa={m["rasa"]} '
        f"mode={settings.mode} commit={doc['commit']} loadavg_start={m['loadavg_start']}"
    )
    say(f"estimate_s={estimate:.0f} (about {estimate / 60:.0f} min)")

    def entry() -> Dict[str, Any]:
        return {"skipped": "", "train": None, "cold_starts_s": [], "rss_mb": {}, "sequential": [], "log_errors": {}}

    ours_entry = doc["bots"]["ours"] = entry()
    stock_entry: Optional[Dict[str, Any]] = None if args.no_stock else entry()
    if stock_entry is not None:
        doc["bots"]["stock"] = stock_entry
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        servers.LOGS.mkdir(parents=True, exist_ok=True)
        ours_model = servers.OUR_MODEL
        stock_found: Any = None
        if settings.train:
            ours_model, stock_found = train_bots(tmp, ours_entry, stock_entry)
        else:
            if not ours_model.exists():
                say(f"{ours_model} is missing: run `make train` first (or the full mode, which trains)")
                return 2
            if stock_entry is not None:
                cached = servers.cached_stock_model()
                stock_found = (servers.STOCK_CACHE, cached) if cached else None
                if cached is None:
                    stock_entry["skipped"] = "no cached stock model: run `python -m bench` once to train and cache it"
                    say(f"stock skipped: {stock_entry['skipped']}")
        say(f"ours model={ours_model} tracker_store={args.ours_tracker}")
        (tmp / "ours-run").mkdir()
        ours_bot = servers.ours(ours_model, tmp / "ours-run", sqlite_tracker=args.ours_tracker == "sqlite")
        bots: List[Measured] = [(ours_bot, ours_entry, conversations.OURS)]
        if stock_found is not None and stock_entry is not None:
            say(f"stock model={stock_found[1]}")
            (tmp / "stock-run").mkdir()
            stock_bot = servers.stock(stock_found[0], stock_found[1], tmp / "stock-run")
            bots.append((stock_bot, stock_entry, conversations.STOCK))
        try:
            cold_starts(bots, settings.cold_starts)
            measure(bots, settings, doc)
        finally:
            for bot, _, _ in bots:
                bot.stop()
        if args.no_scale:
            doc["scale"] = scale.ScaleFigures(skipped="--no-scale").to_dict()
        else:
            progress(f"scale-out: one and two Rasa processes on PostgreSQL + Redis, {settings.scale_rate:g} msg/s")
            try:
                figures = scale.run(
                    ours_model,
                    tmp,
                    settings.scale_rate,
                    settings.phase_s,
                    settings.warmup_s,
                    settings.scale_repeats,
                    saturation_rates=settings.scale_saturation_rates,
                    saturation_repeats=settings.scale_saturation_repeats,
                )
            except Exception as error:  # figures are printed, never asserted: say why, go on
                figures = scale.ScaleFigures(skipped=f"failed: {type(error).__name__}: {error}"[:300])
                say(f"scale skipped: {figures.skipped}")
            doc["scale"] = figures.to_dict()
    progress("our NLU path alone, one core")
    from bench import nlu

    nlu_figures = nlu.run(settings.nlu_rounds)
    doc["nlu"] = asdict(nlu_figures)
    say(nlu.line(nlu_figures))
    for target in targets(doc):
        say(target_line(target))
    steal_start = m.get("steal_ticks_start")
    steal_end = cpu_steal_ticks()
    m["loadavg_end"] = loadavg()
    m["steal_ticks"] = steal_end - steal_start if steal_start is not None and steal_end is not None else None
    doc["duration_s"] = round(time.perf_counter() - started, 1)
    say(
        f"bench total_s={doc['duration_s']:.0f} ({doc['duration_s'] / 60:.1f} min, estimate {estimate / 60:.1f} min) "
        f"loadavg_end={m['loadavg_end']} steal_ticks={m['steal_ticks']}"
    )
    if args.json:
        args.json.write_text(json.dumps(doc, indent=1), encoding="utf-8")
        say(f"JSON: {args.json} (tables: python -m bench.report {args.json} [--readme README.md])")
    table = markdown(doc)
    say("")
    say(table)
    if args.markdown:
        args.markdown.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
