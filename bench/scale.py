"""`python -m bench.scale`: what predicts scaling on more cores, one against two Rasa processes.

The scale-out set-up of the README (deploy/endpoints.scale.yml): conversations in PostgreSQL,
locks in Redis, one action server, N Rasa server processes. Both set-ups (one process, two
processes) run at the same time, each on its own new database (created and dropped by this run
only, `bot/stores/scratch.py`) and its own Redis key prefix, and are measured in turn (one, two,
then two, one, ...) at the same open-loop rate, below saturation (`bench.open_loop`). Turns of one
conversation rotate over the processes (`bench.load.server_for`), as behind a proxy without
sticky sessions, so every turn's state goes through the stores.

The figure is CPU seconds per turn across all of the bot's processes (the Rasa process or
processes and the action server, with their children): utime + stime from /proc/PID/stat at the
start and at the end of each phase's measurement window, divided by the turns of that window. On
a 2-core machine shared with the load generator, throughput of two processes says little about
more cores; the CPU one turn costs does: if two processes need no more CPU per turn than one
(target: at most 1.15 x), N processes on N cores serve about N times the turns. Errors, unexpected
replies and ERROR lines in the Rasa logs are printed beside the figure and fail its target.

Then, when asked (`--saturation-rates`), the same interleaved phases at higher rates give each
set-up's saturation rate, as `bench.open_loop` defines it: the highest rate whose median p99 is
under 1 s with no error, no unexpected reply and no ERROR line in the Rasa logs. The CPU per turn
is read at the first rate only (below saturation, where a turn's cost is not a queue's).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from bench import conversations, servers
from bench.load import run_load, webhook
from bench.report import Spread, cell, loadavg, num, spread
from bot.stores import scratch

ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", scratch.ADMIN_URL)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
TARGET_RATIO = 1.15  # two processes' CPU per turn at most this times one's
TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------- CPU time


def parse_stat(text: str) -> Tuple[int, int, int]:
    """(pid, ppid, utime + stime in clock ticks) from the text of /proc/PID/stat.

    The command name is in parentheses and may contain spaces and ")": fields are counted after
    the last ")"; there, index 1 is the ppid (field 4) and 11, 12 are utime, stime (fields 14, 15).
    """
    head, tail = text.rsplit(")", 1)
    fields = tail.split()
    return int(head.split("(", 1)[0]), int(fields[1]), int(fields[11]) + int(fields[12])


def tree_ticks(stats: Iterable[str], roots: Sequence[int]) -> int:
    """utime + stime ticks of the `roots` and all their descendants (each process counted once),
    from the texts of every /proc/PID/stat."""
    ticks: Dict[int, int] = {}
    children: Dict[int, List[int]] = {}
    for text in stats:
        try:
            pid, ppid, used = parse_stat(text)
        except (ValueError, IndexError):
            continue
        ticks[pid] = used
        children.setdefault(ppid, []).append(pid)
    seen: set = set()
    todo = [r for r in roots if r in ticks]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        todo.extend(children.get(pid, []))
    return sum(ticks[pid] for pid in seen)


def all_stats() -> List[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found.append((entry / "stat").read_text())
            except OSError:
                continue
    return found


def cpu_s(roots: Sequence[int]) -> float:
    """User + system CPU seconds of these processes and their descendants, now."""
    return tree_ticks(all_stats(), roots) / TICKS


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process and its descendants (/proc/PID/stat)."""
    return cpu_s([pid])


def machine_busy_s() -> float:
    """CPU seconds this machine spent working (all cores): user, nice, system, irq and softirq
    from /proc/stat; not idle, iowait, or time stolen by the host's other guests."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(values[i] for i in (0, 1, 2, 5, 6)) / TICKS


# ---------------------------------------------------------------------------------------- set-up


def stores_yaml(db_url: str, redis_url: str, key_prefix: str) -> str:
    """The endpoints of deploy/endpoints.scale.yml, with this run's database and key prefix."""
    return (
        "tracker_store:\n  type: bot.stores.checked_sql.CheckedSQLTrackerStore\n"
        f"  url: {db_url}\n"
        "lock_store:\n  type: bot.stores.redis_lock.UrlRedisLockStore\n"
        f"  url: {redis_url}\n  key_prefix: {key_prefix}\n"
    )


def services_missing(admin_url: str = ADMIN_URL, redis_url: str = REDIS_URL) -> Optional[str]:
    """Why the scale-out run cannot happen here (None: PostgreSQL and Redis answer)."""
    try:
        import redis
        import sqlalchemy as sa

        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        engine = sa.create_engine(admin_url, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # any failure means: no scale-out figures, and why
        return f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"
    return None


# ---------------------------------------------------------------------------------------- run


@dataclass
class Cluster:
    """One action server and `processes` Rasa servers sharing one database and lock prefix."""

    processes: int
    model: Path
    workdir: Path
    db_url: str
    redis_url: str = REDIS_URL
    bots: List[servers.Bot] = field(default_factory=list)

    def start(self) -> List[float]:
        """Start every process at once (the first with the action server); each one's start time."""
        stores = stores_yaml(self.db_url, self.redis_url, f"bench{uuid.uuid4().hex[:6]}")
        actions_port = servers.free_port()
        for index in range(self.processes):
            bot = servers.ours(self.model, self.workdir, sqlite_tracker=False)
            bot.name = f"scale{self.processes}-{index}"
            bot.endpoints_extra = stores
            bot.with_actions = index == 0
            bot.shared_actions_port = actions_port
            self.bots.append(bot)
        with ThreadPoolExecutor(max_workers=self.processes) as pool:
            return list(pool.map(lambda bot: bot.start(), self.bots))

    @property
    def urls(self) -> List[str]:
        return [webhook(bot.url) for bot in self.bots]

    def cpu(self) -> Dict[str, float]:
        """CPU seconds so far of the Rasa processes and of the action server (with children)."""
        stats = all_stats()
        rasa = [bot.rasa.pid for bot in self.bots if bot.rasa]
        actions = [bot.actions.pid for bot in self.bots if bot.actions]
        return {"rasa": tree_ticks(stats, rasa) / TICKS, "actions": tree_ticks(stats, actions) / TICKS}

    def stop(self) -> None:
        for bot in reversed(self.bots):
            bot.stop()

    def mark_logs(self) -> None:
        """From now on, count only new ERROR lines."""
        for bot in self.bots:
            bot._mark_logs()

    def log_errors(self) -> int:
        """ERROR lines in the Rasa servers' logs since `mark_logs`."""
        return sum(sum(bot.log_errors().values()) for bot in self.bots)


@dataclass
class Run:
    """One measured phase of one set-up: the window's summary and CPU seconds by part."""

    processes: int
    repeat: int
    summary: Dict[str, Any]
    cpu_s: Dict[str, float]
    log_errors: int
    load_average: str = ""
    generator_cpu_s: float = 0.0
    rate: float = 0.0  # 0: the figures' own `rate` (files written before saturation was measured)

    @property
    def turns(self) -> int:
        return int(self.summary["n"])

    @property
    def cpu_per_turn_ms(self) -> Optional[float]:
        """CPU milliseconds per turn, Rasa process(es) + action server."""
        if not self.turns:
            return None
        return 1000 * (self.cpu_s["rasa"] + self.cpu_s["actions"]) / self.turns

    @property
    def errors(self) -> int:
        return int(sum(self.summary["errors"].values()))

    @property
    def unexpected(self) -> int:
        return int(self.summary["unexpected"])

    def line(self) -> str:
        s = self.summary
        return (
            f"scale processes={self.processes} rate={self.rate:g} repeat={self.repeat + 1} turns={self.turns} "
            f"cpu_per_turn_ms={num(self.cpu_per_turn_ms, 2)} cpu_s_rasa={self.cpu_s['rasa']:.2f} "
            f"cpu_s_actions={self.cpu_s['actions']:.2f} cpu_s_rest_of_machine={self.cpu_s.get('rest', 0.0):.2f} "
            f"p50={num(s['p50_ms'])} p95={num(s['p95_ms'])} p99={num(s['p99_ms'])} "
            f"errors={self.errors} unexpected={self.unexpected} rasa_log_errors={self.log_errors} "
            f"loadavg={self.load_average} generator_cpu_s={self.generator_cpu_s:.2f}"
        )


@dataclass
class ScaleFigures:
    """The phases of both set-ups: CPU per turn at `rate`, then (if any) the phases at
    `saturation_rates`; `skipped` says why there are none."""

    rate: float = 0.0
    seconds: float = 0.0
    warmup: float = 0.0
    runs: List[Run] = field(default_factory=list)
    started_s: Dict[str, List[float]] = field(default_factory=dict)
    skipped: str = ""
    saturation_rates: List[float] = field(default_factory=list)

    def at(self, processes: int, rate: float) -> List[Run]:
        """This set-up's phases at `rate` (a run that says no rate is at the figures' own)."""
        return [r for r in self.runs if r.processes == processes and (r.rate or self.rate) == rate]

    def of(self, processes: int) -> List[Run]:
        """The phases the CPU per turn is read from: at `rate`."""
        return self.at(processes, self.rate)

    def rates(self) -> List[float]:
        return sorted({r.rate or self.rate for r in self.runs})

    def p99_at(self, processes: int, rate: float) -> Spread:
        return spread([r.summary["p99_ms"] for r in self.at(processes, rate)])

    def saturation(self, processes: int) -> Optional[float]:
        """The highest rate whose median p99 is under 1 s with no error, unexpected reply or
        logged ERROR in any of its phases (bench.open_loop's definition, log lines added)."""
        from bench.open_loop import highest_clean_rate

        return highest_clean_rate(
            (
                rate,
                self.p99_at(processes, rate).median,
                all(r.errors == 0 and r.unexpected == 0 and r.log_errors == 0 for r in self.at(processes, rate)),
            )
            for rate in self.rates()
            if self.at(processes, rate)
        )

    def per_turn(self, processes: int) -> Spread:
        return spread([r.cpu_per_turn_ms for r in self.of(processes)])

    def problems(self, processes: int) -> Tuple[int, int, int]:
        """Errors, unexpected replies and Rasa log ERROR lines over this set-up's phases."""
        runs = self.of(processes)
        return sum(r.errors for r in runs), sum(r.unexpected for r in runs), sum(r.log_errors for r in runs)

    def ratio(self) -> Optional[float]:
        one, two = self.per_turn(1).median, self.per_turn(2).median
        if one is None or two is None or one == 0:
            return None
        return two / one

    def met(self) -> Optional[bool]:
        value = self.ratio()
        if value is None:
            return None
        return value <= TARGET_RATIO and self.problems(1) == (0, 0, 0) and self.problems(2) == (0, 0, 0)

    def lines(self) -> List[str]:
        if self.skipped or not self.runs:
            return []
        met = self.met()
        verdict = "n/a" if met is None else ("met" if met else "MISSED")
        return [
            f"target {verdict} [two processes' CPU per turn <= {TARGET_RATIO} x one's] ratio={num(self.ratio(), 2)} "
            f"one_ms={num(self.per_turn(1).median, 2)} two_ms={num(self.per_turn(2).median, 2)} "
            "errors/unexpected/log_errors one={}/{}/{} two={}/{}/{}".format(*self.problems(1), *self.problems(2))
        ]

    def to_dict(self) -> Dict[str, Any]:
        data = asdict(self)
        data["figures"] = {
            str(n): {"cpu_per_turn_ms": asdict(self.per_turn(n)), "problems": self.problems(n)} for n in (1, 2)
        }
        data["ratio"], data["met"] = self.ratio(), self.met()
        data["saturation"] = {str(n): self.saturation(n) for n in (1, 2)}
        return data

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> ScaleFigures:
        runs = [Run(**r) for r in data.get("runs", [])]
        keep = ("rate", "seconds", "warmup", "started_s", "skipped", "saturation_rates")
        return cls(runs=runs, **{k: data[k] for k in keep if k in data})

    def markdown(self) -> str:
        if self.skipped:
            return f"Scale-out (PostgreSQL + Redis): not measured ({self.skipped})."
        if not self.runs:
            return "Scale-out (PostgreSQL + Redis): not measured."

        def part(processes: int, key: str) -> Spread:
            return spread([1000 * r.cpu_s.get(key, 0.0) / r.turns if r.turns else None for r in self.of(processes)])

        def p(processes: int, q: str) -> Spread:
            return spread([r.summary[f"{q}_ms"] for r in self.of(processes)])

        rows = [
            f"Scale-out on PostgreSQL + Redis at {self.rate:g} msg/s open loop, {len(self.of(1))} interleaved "
            f"repeats of {self.seconds - self.warmup - 1:g} s windows; median (min–max).",
            "",
            "| figure | one Rasa process | two Rasa processes | two ÷ one |",
            "|---|---|---|---|",
            f"| CPU ms per turn, Rasa + action server | {cell(self.per_turn(1), 2)} | {cell(self.per_turn(2), 2)} | "
            f"{num(self.ratio(), 2)} |",
            f"| … of which Rasa process(es) | {cell(part(1, 'rasa'), 2)} | {cell(part(2, 'rasa'), 2)} | |",
            f"| … of which action server | {cell(part(1, 'actions'), 2)} | {cell(part(2, 'actions'), 2)} | |",
            f"| CPU ms per turn, rest of machine (PostgreSQL, Redis, …) | {cell(part(1, 'rest'), 2)} | "
            f"{cell(part(2, 'rest'), 2)} | |",
            f"| p95 (ms) | {cell(p(1, 'p95'))} | {cell(p(2, 'p95'))} | |",
            "| errors / unexpected / Rasa log ERRORs | {} / {} / {} | {} / {} / {} | |".format(
                *self.problems(1), *self.problems(2)
            ),
            f"| turns measured | {sum(r.turns for r in self.of(1))} | {sum(r.turns for r in self.of(2))} | |",
        ]
        if len(self.rates()) > 1:
            rows += self._saturation_rows()
        return "\n".join(rows)

    def _saturation_rows(self) -> List[str]:
        def rate_text(processes: int) -> str:
            found, top = self.saturation(processes), max(self.rates())
            if found is None:
                return "below the lowest rate measured"
            return f"{found:g} msg/s" + (" (the highest rate measured: at least this)" if found == top else "")

        def problems_at(processes: int, rate: float) -> str:
            runs = self.at(processes, rate)
            errors, unexpected = sum(r.errors for r in runs), sum(r.unexpected for r in runs)
            return f"{errors} / {unexpected} / {sum(r.log_errors for r in runs)}"

        rows = [
            "",
            f"Saturation of each set-up: p99 (ms) by open-loop rate, median (min–max) of "
            f"{len(self.at(1, self.rates()[-1]))} interleaved repeats at each rate above {self.rate:g} msg/s; "
            "errors / unexpected / Rasa log ERRORs beside.",
            "",
            "| rate (msg/s) | one Rasa process | two Rasa processes |",
            "|---|---|---|",
        ]
        for rate in self.rates():
            rows.append(
                f"| {rate:g} | {cell(self.p99_at(1, rate))}, {problems_at(1, rate)} | "
                f"{cell(self.p99_at(2, rate))}, {problems_at(2, rate)} |"
            )
        rows.append(f"| **saturation rate** | {rate_text(1)} | {rate_text(2)} |")
        return rows


def measure_run(cluster: Cluster, rate: float, seconds: float, warmup: float, repeat: int) -> Run:
    """One open-loop phase on `cluster`; CPU seconds read at the window's start and end."""
    from bench import open_loop

    marks: Dict[str, Tuple[Dict[str, float], float, float]] = {}

    def mark(what: str) -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        marks[what] = (cluster.cpu(), machine_busy_s(), usage.ru_utime + usage.ru_stime)

    cluster.mark_logs()
    summary = asyncio.run(
        open_loop.open_loop(
            cluster.urls, conversations.OURS, rate, seconds, warmup, 7000 + 100 * repeat + int(rate), 30.0, mark
        )
    )
    (cpu0, busy0, own0), (cpu1, busy1, own1) = marks["start"], marks["end"]
    rasa, actions, own = cpu1["rasa"] - cpu0["rasa"], cpu1["actions"] - cpu0["actions"], own1 - own0
    rest = max(0.0, busy1 - busy0 - rasa - actions - own)
    cpu = {"rasa": round(rasa, 3), "actions": round(actions, 3), "rest": round(rest, 3)}
    return Run(
        cluster.processes,
        repeat,
        open_loop.summary_dict(summary),
        cpu,
        cluster.log_errors(),
        loadavg(),
        round(own, 3),
        rate,
    )


def run(
    model: Path,
    workdir: Path,
    rate: float,
    seconds: float,
    warmup: float,
    repeats: int,
    warmup_turns: int = 10,
    saturation_rates: Sequence[float] = (),
    saturation_repeats: int = 2,
) -> ScaleFigures:
    """Both set-ups at once, each on its own new database; `repeats` phases each at `rate`, then
    `saturation_repeats` at each of `saturation_rates`, always interleaved."""
    figures = ScaleFigures(rate=rate, seconds=seconds, warmup=warmup, saturation_rates=list(saturation_rates))
    missing = services_missing()
    if missing:
        figures.skipped = f"PostgreSQL or Redis not reachable: {missing}"
        print(f"scale skipped: {figures.skipped}", flush=True)
        return figures
    with contextlib.ExitStack() as stack:
        clusters = []
        for processes in (1, 2):
            cluster = Cluster(processes, model, workdir, stack.enter_context(scratch.scratch_database(ADMIN_URL)))
            stack.callback(cluster.stop)
            clusters.append(cluster)
        with ThreadPoolExecutor(max_workers=2) as pool:  # both set-ups start at once
            starts = list(pool.map(Cluster.start, clusters))
        for cluster, started in zip(clusters, starts, strict=True):
            figures.started_s[str(cluster.processes)] = [round(s, 2) for s in started]
            print(f"scale processes={cluster.processes} started_s=" + ",".join(f"{s:.1f}" for s in started), flush=True)
            asyncio.run(run_load(cluster.urls, conversations.OURS, len(cluster.urls), warmup_turns, None))
        plan = [(rate, repeat) for repeat in range(repeats)]
        plan += [(higher, repeat) for higher in saturation_rates for repeat in range(saturation_repeats)]
        for step, (phase_rate, repeat) in enumerate(plan):
            for cluster in clusters if step % 2 == 0 else list(reversed(clusters)):
                found = measure_run(cluster, phase_rate, seconds, warmup, repeat)
                print(found.line(), flush=True)
                figures.runs.append(found)
    for line in figures.lines():
        print(line, flush=True)
    return figures


def main(argv: Optional[List[str]] = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=20.0, help="messages a second, below saturation (default 20)")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each phase (default 15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="first seconds of a phase left out (default 3)")
    parser.add_argument("--repeats", type=int, default=3, help="phases per set-up, interleaved (default 3)")
    parser.add_argument(
        "--saturation-rates",
        default="",
        help="higher rates for each set-up's saturation, comma-separated (default none)",
    )
    parser.add_argument("--saturation-repeats", type=int, default=2, help="phases per set-up at each of those")
    parser.add_argument("--model", type=Path, default=servers.OUR_MODEL)
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"{args.model} is missing: run `make train` first", flush=True)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        higher = [float(x) for x in args.saturation_rates.split(",") if x.strip()]
        figures = run(
            args.model,
            Path(tmp),
            args.rate,
            args.seconds,
            args.warmup,
            args.repeats,
            saturation_rates=higher,
            saturation_repeats=args.saturation_repeats,
        )
    print("")
    print(figures.markdown())
    return 0 if not figures.skipped else 2


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
