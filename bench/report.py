"""The benchmark's output: one plain line per figure, the targets, and a Markdown table.

Plain lines (`ours rest_turn_latency_ms p50=… p95=… p99=… n=…`) are easy to grep and to diff
between runs; the table is for the README. Targets are reported as met or missed, never asserted:
timings on a shared 2-core machine are evidence, not a test.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from bench.load import LoadResults, Summary
from bench.nlu import NluFigures

HUMAN, FULL = "human", "full"


@dataclass
class BotFigures:
    """Everything measured for one bot; None (or empty) where the figure was not measured."""

    name: str
    train_s: Optional[float] = None
    init_s: Optional[float] = None
    cold_starts_s: List[float] = field(default_factory=list)
    rss_warm: Dict[str, Optional[float]] = field(default_factory=dict)
    rss_load: Dict[str, Optional[float]] = field(default_factory=dict)
    rss_peak: Dict[str, Optional[float]] = field(default_factory=dict)
    load: LoadResults = field(default_factory=LoadResults)
    log_errors: Dict[str, int] = field(default_factory=dict)
    skipped: str = ""

    @property
    def cold_start_s(self) -> Optional[float]:
        return statistics.median(self.cold_starts_s) if self.cold_starts_s else None


@dataclass(frozen=True)
class Machine:
    nproc: int
    cpu: str
    mem_gb: float
    python: str
    rasa: str

    @classmethod
    def here(cls, rasa: str) -> Machine:
        cpu = "unknown"
        mem_kb = 0
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
        except OSError:
            pass
        return cls(os.cpu_count() or 0, cpu, mem_kb / 1024 / 1024, platform.python_version(), rasa)


def loadavg() -> str:
    """The 1/5/15-minute load averages: other people's work on the machine shows here."""
    try:
        return ",".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


# ---------------------------------------------------------------------------------------- format


def num(value: Optional[float], digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def ratio(ours: Optional[float], stock: Optional[float]) -> Optional[float]:
    if ours is None or stock is None or stock == 0:
        return None
    return ours / stock


def errors_text(summary: Summary) -> str:
    if not summary.errors:
        return "0"
    return f"{summary.error_count}(" + ",".join(f"{k}:{v}" for k, v in summary.errors.items()) + ")"


def summary_fields(summary: Summary) -> str:
    return (
        f"p50={num(summary.p50_ms)} p95={num(summary.p95_ms)} p99={num(summary.p99_ms)} "
        f"mean={num(summary.mean_ms)} max={num(summary.max_ms)} n={summary.n} "
        f"errors={errors_text(summary)} unexpected={summary.unexpected}"
    )


def sequential_line(name: str, summary: Summary) -> str:
    return f"{name} rest_turn_latency_ms {summary_fields(summary)}"


def by_turn_line(name: str, summary: Summary) -> str:
    """Median latency of each scripted message: which turns cost what."""
    parts = [f'"{text[:28]}"={ms:.1f}' for text, ms in summary.by_turn_p50_ms.items()]
    return f"{name} rest_turn_latency_p50_by_message_ms " + " ".join(parts)


def load_line(name: str, pace: str, people: int, summary: Summary) -> str:
    return (
        f"{name} concurrent_{pace} users={people} throughput_turns_per_s={summary.throughput:.1f} "
        f"wall_s={summary.wall_s:.1f} latency_ms {summary_fields(summary)}"
    )


def memory_line(bot: BotFigures) -> str:
    parts = []
    for server in ("rasa", "actions"):
        for label, values in (("after_warmup", bot.rss_warm), ("after_load", bot.rss_load), ("peak", bot.rss_peak)):
            parts.append(f"{server}_{label}={num(values.get(server), 0)}")
    return f"{bot.name} rss_mb " + " ".join(parts)


def log_errors_line(bot: BotFigures) -> str:
    """Errors in the Rasa server's log during this bot's run, including ones no client saw."""
    total = sum(bot.log_errors.values())
    detail = "; ".join(f"{count}x {message}" for message, count in sorted(bot.log_errors.items(), key=lambda x: -x[1]))
    return f"{bot.name} rasa_log_errors={total}" + (f" ({detail})" if detail else "")


def cold_line(bot: BotFigures) -> str:
    runs = ",".join(f"{s:.1f}" for s in bot.cold_starts_s) or "n/a"
    return f"{bot.name} cold_start_s median={num(bot.cold_start_s)} runs={runs}"


def train_line(bot: BotFigures) -> str:
    line = f"{bot.name} train_s={num(bot.train_s)}"
    if bot.init_s is not None:
        line += f" rasa_init_s={num(bot.init_s)} (rasa init, which also trains once)"
    return line


def nlu_line(figures: NluFigures) -> str:
    return (
        f"ours nlu_extractor messages_per_s={figures.messages_per_s:.0f} p50_ms={num(figures.p50_ms, 2)} "
        f"p95_ms={num(figures.p95_ms, 2)} messages={figures.messages} rounds={figures.rounds} "
        f"findings_per_round={figures.findings} build_pipeline_s={figures.build_s:.2f}\n"
        f"ours nlu_learned_red_flag_layer p50_ms={num(figures.learned_p50_ms, 2)} "
        f"p95_ms={num(figures.learned_p95_ms, 2)}"
    )


# ---------------------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    name: str
    ours: Optional[float]
    limit: Optional[float]
    unit: str
    met: Optional[bool]  # None: could not be judged (a figure is missing)

    @property
    def verdict(self) -> str:
        return "n/a" if self.met is None else ("met" if self.met else "MISSED")


def _le(value: Optional[float], limit: Optional[float]) -> Optional[bool]:
    return None if value is None or limit is None else value <= limit


def _ratio_target(name: str, ours: Optional[float], stock: Optional[float], factor: float, unit: str) -> Target:
    limit = None if stock is None else stock * factor
    return Target(name, ours, limit, unit, _le(ours, limit))


def targets(ours: BotFigures, stock: BotFigures, levels: Sequence[int]) -> List[Target]:
    """The issue's targets, each with our figure and the limit it was held to."""
    found: List[Target] = []
    seq_o, seq_s = ours.load.sequential, stock.load.sequential
    found.append(
        _ratio_target(
            "one-at-a-time p95 <= 1.3 x stock",
            seq_o.p95_ms if seq_o else None,
            seq_s.p95_ms if seq_s else None,
            1.3,
            "ms",
        )
    )
    human50 = ours.load.concurrent.get((HUMAN, 50))
    if human50 is not None:
        met: Optional[bool] = (human50.p95_ms or float("inf")) <= 250 and human50.error_count == 0
        found.append(Target("50 concurrent human-paced p95 <= 250 ms, 0 errors", human50.p95_ms, 250.0, "ms", met))
    else:
        found.append(Target("50 concurrent human-paced p95 <= 250 ms, 0 errors", None, 250.0, "ms", None))
    for people in levels:
        o, s = ours.load.concurrent.get((FULL, people)), stock.load.concurrent.get((FULL, people))
        limit = s.throughput if s else None
        value = o.throughput if o else None
        met = None if value is None or limit is None else value >= limit
        found.append(Target(f"full-speed throughput at {people} >= stock", value, limit, "turns/s", met))
    for label, values_o, values_s in (
        ("after warm-up", ours.rss_warm, stock.rss_warm),
        ("after load", ours.rss_load, stock.rss_load),
    ):
        found.append(
            _ratio_target(
                f"Rasa server RSS {label} <= 1.2 x stock", values_o.get("rasa"), values_s.get("rasa"), 1.2, "MB"
            )
        )
    found.append(_ratio_target("cold start <= 1.2 x stock", ours.cold_start_s, stock.cold_start_s, 1.2, "s"))
    return found


def target_line(target: Target) -> str:
    return (
        f"target {target.verdict} [{target.name}] ours={num(target.ours)} "
        f"limit={num(target.limit)} {target.unit}".rstrip()
    )


def ratio_lines(ours: BotFigures, stock: BotFigures, levels: Sequence[int]) -> List[str]:
    seq_o, seq_s = ours.load.sequential, stock.load.sequential
    fields: List[Tuple[str, Optional[float]]] = [
        ("rest_turn_latency_p95", ratio(seq_o.p95_ms if seq_o else None, seq_s.p95_ms if seq_s else None)),
    ]
    for pace in (HUMAN, FULL):
        for people in levels:
            o, s = ours.load.concurrent.get((pace, people)), stock.load.concurrent.get((pace, people))
            if o is None and s is None:
                continue
            fields.append((f"{pace}_{people}_p95", ratio(o.p95_ms if o else None, s.p95_ms if s else None)))
            throughputs = (o.throughput if o else None, s.throughput if s else None)
            fields.append((f"{pace}_{people}_throughput", ratio(*throughputs)))
    fields += [
        ("rasa_rss_after_warmup", ratio(ours.rss_warm.get("rasa"), stock.rss_warm.get("rasa"))),
        ("rasa_rss_after_load", ratio(ours.rss_load.get("rasa"), stock.rss_load.get("rasa"))),
        ("cold_start", ratio(ours.cold_start_s, stock.cold_start_s)),
        ("train", ratio(ours.train_s, stock.train_s)),
    ]
    return ["ratio ours/stock " + " ".join(f"{name}={num(value, 2)}" for name, value in fields)]


# ---------------------------------------------------------------------------------------- table


def markdown(
    machine: Machine,
    mode: str,
    ours: BotFigures,
    stock: BotFigures,
    levels: Sequence[int],
    nlu: Optional[NluFigures],
    found: Sequence[Target],
) -> str:
    """The README table: figures side by side with the ratio, then the targets."""
    rows: List[Tuple[str, str, str, str]] = []

    def add(label: str, o: Optional[float], s: Optional[float], digits: int = 1, show_ratio: bool = True) -> None:
        r = ratio(o, s) if show_ratio else None
        rows.append((label, num(o, digits), num(s, digits), num(r, 2)))

    add("training time (s)", ours.train_s, stock.train_s)
    add("cold start: process start → first full answer (s, median)", ours.cold_start_s, stock.cold_start_s)
    add("Rasa server RSS after warm-up (MB)", ours.rss_warm.get("rasa"), stock.rss_warm.get("rasa"), 0)
    add("Rasa server RSS after load (MB)", ours.rss_load.get("rasa"), stock.rss_load.get("rasa"), 0)
    add("Rasa server peak RSS (MB)", ours.rss_peak.get("rasa"), stock.rss_peak.get("rasa"), 0)
    add("action server RSS after warm-up (MB)", ours.rss_warm.get("actions"), None, 0, False)
    add("action server RSS after load (MB)", ours.rss_load.get("actions"), None, 0, False)
    seq_o, seq_s = ours.load.sequential, stock.load.sequential
    for q in ("p50", "p95", "p99"):
        add(
            f"REST turn latency, one at a time, {q} (ms)",
            getattr(seq_o, f"{q}_ms") if seq_o else None,
            getattr(seq_s, f"{q}_ms") if seq_s else None,
        )
    for pace, label in ((HUMAN, "human pace 2–4 s"), (FULL, "full speed")):
        for people in levels:
            o, s = ours.load.concurrent.get((pace, people)), stock.load.concurrent.get((pace, people))
            if o is None and s is None:  # not measured in this mode
                continue
            add(f"{people} conversations, {label}: p95 (ms)", o.p95_ms if o else None, s.p95_ms if s else None)
            add(
                f"{people} conversations, {label}: throughput (turns/s)",
                o.throughput if o else None,
                s.throughput if s else None,
            )
            rows.append(
                (
                    f"{people} conversations, {label}: errors / turns",
                    f"{o.error_count} / {o.n}" if o else "n/a",
                    f"{s.error_count} / {s.n}" if s else "n/a",
                    "",
                )
            )
    rows.append(
        (
            "ERROR lines in the Rasa server log during the load",
            str(sum(ours.log_errors.values())) if ours.cold_starts_s else "n/a",
            str(sum(stock.log_errors.values())) if stock.cold_starts_s else "n/a",
            "",
        )
    )
    if nlu is not None:
        rows.append(("symptom extractor alone (messages/s)", f"{nlu.messages_per_s:.0f}", "n/a", ""))
        rows.append(("learned red-flag layer alone, p95 per message (ms)", num(nlu.learned_p95_ms, 2), "n/a", ""))
    lines = [
        f"Machine: {machine.cpu}, nproc={machine.nproc}, {machine.mem_gb:.0f} GB RAM; Python {machine.python}, "
        f"Rasa {machine.rasa}; `python -m bench{' --quick' if mode == 'quick' else ''}`, "
        f"{time.strftime('%Y-%m-%d')}. Stock = `rasa init` project (DIET/TED), no action server.",
        "",
        "| figure | ours | stock | ours ÷ stock |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
        "Latency percentiles are over answered turns; failed turns (timeouts at 30 s, empty replies, the guard's "
        "apology or fallback) are in the errors rows and not in the percentiles, so compare latencies only where "
        "both sides have 0 errors.",
        "",
        "| target | ours | limit | |",
        "|---|---|---|---|",
        *(f"| {t.name} | {num(t.ours)} {t.unit} | {num(t.limit)} {t.unit} | {t.verdict} |" for t in found),
    ]
    return "\n".join(lines)
