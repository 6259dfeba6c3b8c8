"""`python -m bench [--quick]`: how fast, how big, how many, against stock Rasa in the same run.

Full mode (for people, about 15 minutes on 2 cores): trains our model and the stock `rasa init`
project into a temporary folder (timed, with a fresh Rasa cache), measures cold starts (3 each,
alternating), then for each bot: warm-up, memory, one-at-a-time turn latency, and 10/50/200
concurrent conversations at a human pace and at full speed, memory again; then scale-out (one
and two of our Rasa processes on PostgreSQL + Redis, `bench/scale.py`), then the symptom
extractor alone. Quick mode (CI, about a minute): no training (our `models/baclofen.tar.gz`,
the stock model cached in build/bench-cache by a full run, or no stock figures), one cold start,
10 conversations at full speed only, a short scale-out run. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

from bench import conversations, scale, servers
from bench.load import HUMAN_PACE, Conversation, Summary, run_load, webhook
from bench.nlu import NluFigures
from bench.report import (
    FULL,
    HUMAN,
    BotFigures,
    Machine,
    by_turn_line,
    cold_line,
    load_line,
    loadavg,
    log_errors_line,
    markdown,
    memory_line,
    nlu_line,
    ratio_lines,
    sequential_line,
    target_line,
    targets,
    train_line,
)


@dataclass(frozen=True)
class Settings:
    """How much to measure; the full and quick modes differ only here."""

    mode: str
    train: bool
    cold_start_runs: int
    warmup_turns: int
    sequential_turns: int
    levels: Sequence[int]
    human_min_turns: int
    full_min_turns: int
    nlu_rounds: int
    scale_levels: Sequence[int]
    scale_turns: int
    paces: Sequence[str] = (HUMAN, FULL)


FULL_MODE = Settings("full", True, 3, 10, 200, (10, 50, 200), 150, 500, 5, (10, 50), 1000)
# Quick: a human-paced conversation alone takes 12-16 s per bot, so CI measures full speed only.
QUICK_MODE = Settings("quick", False, 1, 5, 20, (10,), 10, 50, 1, (10,), 50, paces=(FULL,))


def say(line: str) -> None:
    print(line, flush=True)


def progress(text: str) -> None:
    print(f"# {text}", file=sys.stderr, flush=True)


def load(url: str, scripts: Sequence[Conversation], people: int, min_turns: int, human: bool) -> Summary:
    return asyncio.run(run_load(webhook(url), scripts, people, min_turns, HUMAN_PACE if human else None))


def measure(bot: servers.Bot, figures: BotFigures, scripts: Sequence[Conversation], settings: Settings) -> None:
    """Start (cold start), warm up, then every load phase; memory after warm-up and after load."""
    progress(f"{bot.name}: starting (cold start run {len(figures.cold_starts_s) + 1})")
    figures.cold_starts_s.append(bot.start())
    try:
        warm = load(bot.url, scripts, 1, settings.warmup_turns, human=False)
        say(f"{bot.name} warmup turns={warm.n} errors={warm.error_count} unexpected={warm.unexpected}")
        figures.rss_warm = bot.rss_mb()
        progress(f"{bot.name}: one conversation at a time, {settings.sequential_turns} turns")
        figures.load.sequential = load(bot.url, scripts, 1, settings.sequential_turns, human=False)
        say(sequential_line(bot.name, figures.load.sequential))
        say(by_turn_line(bot.name, figures.load.sequential))
        for people in settings.levels:
            for pace in settings.paces:
                progress(f"{bot.name}: {people} conversations at once, {pace} pace")
                min_turns = settings.human_min_turns if pace == HUMAN else settings.full_min_turns
                before = servers.listen_overflows()
                summary = load(bot.url, scripts, people, min_turns, human=pace == HUMAN)
                after = servers.listen_overflows()
                figures.load.concurrent[(pace, people)] = summary
                overflows = "n/a" if before is None or after is None else f"+{after - before}"
                say(f"{load_line(bot.name, pace, people, summary)} machine_listen_overflows={overflows}")
        figures.rss_load = bot.rss_mb()
        figures.rss_peak = bot.rss_mb("VmHWM")
        say(memory_line(figures))
        figures.log_errors = bot.log_errors()
        say(log_errors_line(figures))
    finally:
        bot.stop()
    say(cold_line(figures))


def parse(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="CI mode: no training, one cold start, 10 users at full speed"
    )
    parser.add_argument("--users", help="comma-separated concurrency levels (default 10,50,200; quick 10)")
    parser.add_argument("--no-stock", action="store_true", help="measure ours only")
    parser.add_argument("--no-scale", action="store_true", help="skip the two-process (PostgreSQL + Redis) run")
    parser.add_argument(
        "--ours-tracker",
        choices=("sqlite", "memory"),
        default="sqlite",
        help="our conversation store: sqlite as deployed (default, a temporary file) or in memory as stock",
    )
    parser.add_argument("--markdown", type=Path, help="also write the Markdown table to this file")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse(argv)
    settings = QUICK_MODE if args.quick else FULL_MODE
    if args.users:
        levels = tuple(int(x) for x in args.users.split(",") if x.strip())
        settings = Settings(**{**settings.__dict__, "levels": levels})
    # A SIGTERM (CI timeout) must still stop the servers we started: turn it into SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    machine = Machine.here(servers.rasa_version())
    say(
        f'machine nproc={machine.nproc} cpu="{machine.cpu}" mem_gb={machine.mem_gb:.1f} python={machine.python} '
        f"rasa={machine.rasa} mode={settings.mode} loadavg_start={loadavg()}"
    )
    ours_fig, stock_fig = BotFigures("ours"), BotFigures("stock")
    nlu_figures: Optional[NluFigures] = None
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        servers.LOGS.mkdir(parents=True, exist_ok=True)
        ours_model = servers.OUR_MODEL
        if not settings.train and not ours_model.exists():
            say(f"{ours_model} is missing: run `make train` first (or the full mode, which trains)")
            return 2
        stock_project: Optional[Path] = None
        stock_model: Optional[Path] = None
        if settings.train:
            progress("training ours (fresh Rasa cache)")
            our_env = {"PYTHONPATH": str(servers.ROOT)}
            log = servers.LOGS / "ours-train.log"
            trained = servers.train(servers.ROOT, "domain.yml", "config.yml", tmp / "ours-model", our_env, log)
            ours_fig.train_s, ours_model = trained.seconds, trained.model
            say(train_line(ours_fig))
            if not args.no_stock:
                stock_project = tmp / "stock"
                progress("rasa init --no-prompt (creates the stock project and trains it once)")
                stock_fig.init_s = servers.init_stock(stock_project, servers.LOGS / "stock-init.log")
                progress("training stock (fresh Rasa cache)")
                log = servers.LOGS / "stock-train.log"
                trained = servers.train(stock_project, "domain.yml", "config.yml", tmp / "stock-model", {}, log)
                stock_fig.train_s, stock_model = trained.seconds, trained.model
                say(train_line(stock_fig))
                servers.cache_stock(stock_project, stock_model)
        elif not args.no_stock:
            stock_model = servers.cached_stock_model()
            stock_project = servers.STOCK_CACHE if stock_model else None
            if stock_model is None:
                stock_fig.skipped = "no cached stock model: run `python -m bench` once to train and cache it"
        say(f"ours model={ours_model}")
        if stock_fig.skipped or args.no_stock:
            say(f"stock skipped: {stock_fig.skipped or '--no-stock'}")
        say(f"ours tracker_store={args.ours_tracker}")
        ours_bot = servers.ours(ours_model, tmp, sqlite_tracker=args.ours_tracker == "sqlite")
        bots = [(ours_bot, ours_fig, conversations.OURS)]
        if stock_project is not None and stock_model is not None:
            say(f"stock model={stock_model}")
            bots.append((servers.stock(stock_project, stock_model, tmp), stock_fig, conversations.STOCK))
        try:
            for run in range(settings.cold_start_runs - 1):  # extra cold starts, alternating bots
                for bot, figures, _ in bots:
                    progress(f"{bot.name}: cold start run {run + 1}")
                    try:
                        figures.cold_starts_s.append(bot.start())
                    finally:
                        bot.stop()
            for bot, figures, scripts in bots:
                measure(bot, figures, scripts, settings)
        finally:
            for bot, _, _ in bots:
                bot.stop()
        scale_figures = scale.ScaleFigures(skipped="--no-scale")
        if not args.no_scale:
            progress(f"scale-out: one, then two Rasa processes on PostgreSQL + Redis, {settings.scale_levels} users")
            try:
                scale_figures = scale.run(ours_model, tmp, settings.scale_levels, settings.scale_turns)
            except Exception as error:  # figures are printed, never asserted: say why, go on
                scale_figures = scale.ScaleFigures(skipped=f"failed: {type(error).__name__}: {error}"[:300])
                say(f"scale skipped: {scale_figures.skipped}")
    progress("symptom extractor alone")
    from bench import nlu

    nlu_figures = nlu.run(settings.nlu_rounds)
    say(nlu_line(nlu_figures))
    found = targets(ours_fig, stock_fig, settings.levels)
    for line in ratio_lines(ours_fig, stock_fig, settings.levels):
        say(line)
    for target in found:
        say(target_line(target))
    table = markdown(machine, settings.mode, ours_fig, stock_fig, settings.levels, nlu_figures, found)
    say(f"bench total_s={time.perf_counter() - started:.1f} loadavg_end={loadavg()}")
    say("")
    say(table)
    say("")
    say(scale_figures.markdown())
    if args.markdown:
        args.markdown.write_text(table + "\n\n" + scale_figures.markdown() + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
