"""`python -m bench.scale`: two Rasa processes on PostgreSQL + Redis against one, at full speed.

The scale-out set-up of the README (deploy/endpoints.scale.yml): conversations in PostgreSQL,
locks in Redis, one action server, N Rasa server processes. Each configuration gets its own new
database (so neither run reads the other's conversations) and its own Redis key prefix. Turns of
one conversation rotate over the processes (`bench.load.server_for`), as behind a proxy without
sticky sessions: every turn's state goes through the stores, locks are taken and released by
different processes (each person waits for a reply, so one conversation's locks are not contended
here; tests/e2e/test_scale_out.py does that), and the `expect` checks of the scripts would catch a
lost or doubled turn: the target counts as met only with no errors, no unexpected reply and no
ERROR line in the Rasa logs. CPU seconds of each part
(Rasa processes, action server, this load generator, the rest of the machine: PostgreSQL, Redis,
other people's work) say where a 2-core machine's time went. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from bench import conversations, servers
from bench.load import Summary, run_load, webhook
from bench.report import errors_text, num, summary_fields
from bot.stores import scratch

ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", scratch.ADMIN_URL)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
TARGET_RATIO = 1.6
TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------- CPU time


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process and its descendants (/proc/PID/stat)."""
    total = 0.0
    for current in servers.process_tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14, 15)
    return total


def machine_busy_s() -> float:
    """CPU seconds this machine spent working (all cores): user, nice, system, irq and softirq
    from /proc/stat; not idle, iowait, or time stolen by the host's other guests."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(values[i] for i in (0, 1, 2, 5, 6)) / TICKS


# CpuUse's fields and how the table names them.
CPU_PARTS = {
    "rasa": "Rasa server(s)",
    "actions": "action server",
    "load_generator": "load generator",
    "rest": "rest of machine (PostgreSQL, Redis, …)",
}


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds spent during one load phase, by part."""

    rasa: float
    actions: float
    load_generator: float
    rest: float

    def line(self) -> str:
        return (
            f"cpu_s rasa={self.rasa:.1f} actions={self.actions:.1f} "
            f"load_generator={self.load_generator:.1f} rest_of_machine={self.rest:.1f}"
        )


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
        rasa = sum(process_cpu_s(bot.rasa.pid) for bot in self.bots if bot.rasa)
        first = self.bots[0]
        actions = process_cpu_s(first.actions.pid) if first.actions else 0.0
        return {"rasa": rasa, "actions": actions}

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


@dataclass(frozen=True)
class Phase:
    processes: int
    people: int
    summary: Summary
    cpu: CpuUse
    log_errors: int

    @property
    def clean(self) -> bool:
        """No failed turn, no unexpected reply, no ERROR in the Rasa logs."""
        return self.summary.error_count == 0 and self.summary.unexpected == 0 and self.log_errors == 0

    def line(self) -> str:
        return (
            f"scale processes={self.processes} users={self.people} pace=full "
            f"throughput_turns_per_s={self.summary.throughput:.1f} wall_s={self.summary.wall_s:.1f} "
            f"latency_ms {summary_fields(self.summary)} rasa_log_errors={self.log_errors} {self.cpu.line()}"
        )


def measure(cluster: Cluster, levels: Sequence[int], min_turns: int, warmup_turns: int) -> List[Phase]:
    """Warm up, then one full-speed phase per concurrency level, with CPU seconds by part."""
    scripts = conversations.OURS
    asyncio.run(run_load(cluster.urls, scripts, len(cluster.urls), warmup_turns, None))
    phases: List[Phase] = []
    for people in levels:
        cluster.mark_logs()
        before, machine_before, own_before = cluster.cpu(), machine_busy_s(), sum(os.times()[:2])
        summary = asyncio.run(run_load(cluster.urls, scripts, people, min_turns, None))
        after, machine_after, own_after = cluster.cpu(), machine_busy_s(), sum(os.times()[:2])
        rasa, actions = after["rasa"] - before["rasa"], after["actions"] - before["actions"]
        own = own_after - own_before
        rest = max(0.0, machine_after - machine_before - rasa - actions - own)
        phase = Phase(cluster.processes, people, summary, CpuUse(rasa, actions, own, rest), cluster.log_errors())
        print(phase.line(), flush=True)
        phases.append(phase)
    return phases


@dataclass
class ScaleFigures:
    """Full-speed phases for one and for two processes; `skipped` says why there are none."""

    one: Dict[int, Phase] = field(default_factory=dict)
    two: Dict[int, Phase] = field(default_factory=dict)
    skipped: str = ""

    def ratio(self, people: int) -> Optional[float]:
        one, two = self.one.get(people), self.two.get(people)
        if one is None or two is None or one.summary.throughput == 0:
            return None
        return two.summary.throughput / one.summary.throughput

    def lines(self) -> List[str]:
        found = []
        for people in sorted(set(self.one) & set(self.two)):
            value = self.ratio(people)
            clean = all(p.clean for p in (self.one[people], self.two[people]))
            verdict = "n/a" if value is None else ("met" if value >= TARGET_RATIO and clean else "MISSED")
            found.append(
                f"target {verdict} [two processes' throughput at {people} >= {TARGET_RATIO} x one process] "
                f"ratio={num(value, 2)} errors_one={errors_text(self.one[people].summary)} "
                f"errors_two={errors_text(self.two[people].summary)} "
                f"unexpected={self.one[people].summary.unexpected}/{self.two[people].summary.unexpected} "
                f"log_errors={self.one[people].log_errors}/{self.two[people].log_errors}"
            )
        return found

    def markdown(self) -> str:
        if self.skipped:
            return f"Scale-out (PostgreSQL + Redis): not measured ({self.skipped})."
        rows = [
            "| scale-out, full speed (PostgreSQL + Redis lock store) | one process | two processes | two ÷ one |",
            "|---|---|---|---|",
        ]
        for people in sorted(set(self.one) & set(self.two)):
            one, two = self.one[people], self.two[people]
            rows.append(
                f"| {people} conversations: throughput (turns/s) | {one.summary.throughput:.1f} | "
                f"{two.summary.throughput:.1f} | {num(self.ratio(people), 2)} |"
            )
            rows.append(
                f"| {people} conversations: p95 (ms) | {num(one.summary.p95_ms)} | {num(two.summary.p95_ms)} | |"
            )
            rows.append(
                f"| {people} conversations: errors, unexpected replies, log ERRORs / turns | "
                f"{one.summary.error_count}, {one.summary.unexpected}, {one.log_errors} / {one.summary.n} | "
                f"{two.summary.error_count}, {two.summary.unexpected}, {two.log_errors} / {two.summary.n} | |"
            )
            for part, label in CPU_PARTS.items():
                rows.append(
                    f"| {people} conversations: CPU s, {label} | "
                    f"{getattr(one.cpu, part):.1f} | {getattr(two.cpu, part):.1f} | |"
                )
        return "\n".join(rows)


def run(model: Path, workdir: Path, levels: Sequence[int], min_turns: int, warmup_turns: int = 10) -> ScaleFigures:
    """One process, then two, each on a new database; phases at each level of concurrency."""
    figures = ScaleFigures()
    missing = services_missing()
    if missing:
        figures.skipped = f"PostgreSQL or Redis not reachable: {missing}"
        print(f"scale skipped: {figures.skipped}", flush=True)
        return figures
    for processes, into in ((1, figures.one), (2, figures.two)):
        with scratch.scratch_database(ADMIN_URL) as db_url:
            cluster = Cluster(processes, model, workdir, db_url)
            try:
                starts = cluster.start()
                print(f"scale processes={processes} started_s=" + ",".join(f"{s:.1f}" for s in starts), flush=True)
                for phase in measure(cluster, levels, min_turns, warmup_turns):
                    into[phase.people] = phase
            finally:
                cluster.stop()
    for line in figures.lines():
        print(line, flush=True)
    return figures


def main(argv: Optional[List[str]] = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="10,50", help="comma-separated concurrency levels (default 10,50)")
    parser.add_argument("--turns", type=int, default=500, help="at least this many turns per phase (default 500)")
    parser.add_argument("--model", type=Path, default=servers.OUR_MODEL)
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"{args.model} is missing: run `make train` first", flush=True)
        return 2
    levels = [int(x) for x in args.users.split(",") if x.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        figures = run(args.model, Path(tmp), levels, args.turns)
    print("")
    print(figures.markdown())
    return 0 if not figures.skipped else 2


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
