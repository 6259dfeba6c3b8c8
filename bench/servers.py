"""Starting, measuring and stopping the bots under test: ours and stock Rasa (`rasa init`).

The processes are started by the same harness as the end-to-end tests' (`bot/harness.py`): child
processes on free ports of 127.0.0.1, the project's credentials, an endpoints file written for the
run. What differs, for measuring: the environment and options are `make run`'s; the action server
and the Rasa server are started at the same moment (as `make run` does), so the cold start is the
time from that moment to the first message answered in full (for ours, a question that needs the
action server, so a half-started bot does not count), on new ports and a new endpoints file at each
start; our conversations go to a SQLite tracker store in the run's temporary folder (as deployed,
but never `state/conversations.db`); training uses a fresh Rasa cache folder, so no step is a cache
hit. Memory is VmRSS from /proc (psutil is not installed), summed over the process and its children.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import requests

from bench.load import Turn, digest, webhook
from bot import harness

ROOT = Path(__file__).resolve().parent.parent
RASA = harness.RASA
free_port = harness.free_port  # never 5005/5055/8080, which people's own bots use
# The stock project and model a full run trains, kept for `--quick`, and the servers' logs
# (BENCH_CACHE: elsewhere, e.g. when build/ is shared with another checkout).
CACHE = Path(os.environ.get("BENCH_CACHE", str(ROOT / "build" / "bench-cache")))
LOGS = CACHE / "logs"
STOCK_CACHE = CACHE / "stock"
OUR_MODEL = ROOT / "models" / "baclofen.tar.gz"

# Process environment as `make run` has it (Makefile exports).
BASE_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONDONTWRITEBYTECODE": "1",
    # as `make run` starts the action server (Sanic reads SANIC_* settings from the environment)
    "SANIC_HOST": "127.0.0.1",
    "SANIC_KEEP_ALIVE_TIMEOUT": "60",
}
# Readiness probes: a message the bot can only answer when every part of it is up.
OUR_PROBE = Turn("is baclofen addictive?", expect="baclofen")
STOCK_PROBE = Turn("hi", expect="how are you")


def rasa_version() -> str:
    from importlib.metadata import version

    return version("rasa")


# ---------------------------------------------------------------------------------------- memory


def _children(pid: int) -> List[int]:
    found: List[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces: the ppid follows the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(pid: int) -> List[int]:
    """The process and all its descendants (children of children too)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(_children(current))
    return found


def tree_kb(pid: int, key: str = "VmRSS") -> int:
    """`key` (VmRSS now, VmHWM peak) in kB, summed over the process and all its descendants."""
    return sum(_status_kb(current, key) for current in process_tree(pid))


def listen_overflows() -> Optional[int]:
    """TcpExt ListenOverflows for the whole machine: connections dropped because a listening
    socket's accept queue was full (Sanic's backlog is 100). Other people's servers count too."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(table["ListenOverflows"]) if "ListenOverflows" in table else None
    return None


# ---------------------------------------------------------------------------------------- training


@dataclass(frozen=True)
class Training:
    seconds: float
    model: Path


def train(project: Path, domain: str, config: str, out: Path, env: Dict[str, str], log: Path) -> Training:
    """`rasa train` in `project` with a fresh cache folder; wall time of the whole command."""
    cache = out / "rasa-cache"
    shutil.rmtree(cache, ignore_errors=True)
    args = [RASA, "train", "--domain", domain, "--config", config, "--data", "data"]
    args += ["--out", str(out), "--fixed-model-name", "b"]
    full_env = {**os.environ, **BASE_ENV, **env, "RASA_CACHE_DIRECTORY": str(cache)}
    start = time.perf_counter()
    with open(log, "w") as handle:
        result = subprocess.run(args, cwd=project, env=full_env, stdout=handle, stderr=subprocess.STDOUT, timeout=1800)
    seconds = time.perf_counter() - start
    shutil.rmtree(cache, ignore_errors=True)
    if result.returncode != 0 or not (out / "b.tar.gz").exists():
        raise RuntimeError(f"rasa train in {project} failed (exit {result.returncode}); log: {log}")
    return Training(seconds, out / "b.tar.gz")


SPACY_IN_CONFIG = "model: build/spacy/baclofen_en"


def train_ours(out: Path, log: Path) -> Tuple[Dict[str, float], Path]:
    """Every step of our build, each timed, into `out` (never the repository's build/ or data/):
    the spaCy pipeline (`python -m bot.cli.build_spacy`), the generated NLU data
    (`python -m bot.cli.generate_nlu`), then `rasa train` with a fresh cache on a copy of the
    project whose config.yml points at that pipeline. The seconds of each step, and the model."""
    project = out / "project"
    spacy_dir = out / "spacy" / "baclofen_en"
    shutil.copytree(ROOT / "data", project / "data", ignore=shutil.ignore_patterns("generated_symptoms.yml"))
    shutil.copy2(ROOT / "domain.yml", project / "domain.yml")
    config = (ROOT / "config.yml").read_text(encoding="utf-8")
    if SPACY_IN_CONFIG not in config:
        raise RuntimeError(f"config.yml no longer says `{SPACY_IN_CONFIG}`: update bench/servers.py")
    (project / "config.yml").write_text(config.replace(SPACY_IN_CONFIG, f"model: {spacy_dir}"), encoding="utf-8")
    env = {**os.environ, **BASE_ENV, "PYTHONPATH": str(ROOT)}
    steps: Dict[str, float] = {}
    commands = {
        "build_spacy": [sys.executable, "-m", "bot.cli.build_spacy", str(spacy_dir)],
        "generate_nlu": [
            sys.executable,
            "-m",
            "bot.cli.generate_nlu",
            str(project / "data/nlu/generated_symptoms.yml"),
        ],
    }
    with open(log, "w") as handle:
        for step, args in commands.items():
            start = time.perf_counter()
            done = subprocess.run(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, timeout=1800)
            steps[step] = time.perf_counter() - start
            if done.returncode != 0:
                raise RuntimeError(f"{step} failed (exit {done.returncode}); log: {log}")
    trained = train(
        project, "domain.yml", "config.yml", out / "model", {"PYTHONPATH": str(ROOT)}, log.with_suffix(".rasa.log")
    )
    steps["rasa_train"] = trained.seconds
    return steps, trained.model


def init_stock(folder: Path, log: Path) -> float:
    """`rasa init --no-prompt --init-dir folder` (which also trains once); its wall time."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **BASE_ENV, "RASA_CACHE_DIRECTORY": str(folder / ".rasa" / "cache")}
    start = time.perf_counter()
    with open(log, "w") as handle:
        result = subprocess.run(
            [RASA, "init", "--no-prompt", "--init-dir", str(folder)],
            cwd=folder,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            timeout=1800,
        )
    if result.returncode != 0:
        raise RuntimeError(f"rasa init failed (exit {result.returncode}); log: {log}")
    return time.perf_counter() - start


def cache_stock(project: Path, model: Path) -> None:
    """Keep the stock project and its trained model in build/bench-cache for `--quick`."""
    shutil.rmtree(STOCK_CACHE, ignore_errors=True)
    shutil.copytree(project, STOCK_CACHE, ignore=shutil.ignore_patterns(".rasa", "models"))
    shutil.copy2(model, STOCK_CACHE / "model.tar.gz")
    (STOCK_CACHE / "rasa_version.txt").write_text(rasa_version() + "\n")


def cached_stock_model() -> Optional[Path]:
    """The cached stock model, if there is one trained by this Rasa version."""
    stamp = STOCK_CACHE / "rasa_version.txt"
    model = STOCK_CACHE / "model.tar.gz"
    if model.exists() and stamp.exists() and stamp.read_text().strip() == rasa_version():
        return model
    return None


# ---------------------------------------------------------------------------------------- servers


@dataclass
class Bot:
    """One bot under test: its Rasa server and, for ours, its action server (bot/harness.py)."""

    name: str
    project: Path
    model: Path
    workdir: Path
    probe: Turn
    with_actions: bool
    credentials: Path
    env: Dict[str, str] = field(default_factory=dict)
    sqlite_tracker: bool = False
    # Extra endpoints YAML (the scale-out run: PostgreSQL tracker store, Redis lock store).
    endpoints_extra: str = ""
    # The action server's port, fixed in advance: several Rasa processes share one action server,
    # started by the Bot whose `with_actions` is True (0: a free port, chosen at start).
    shared_actions_port: int = 0
    timeout_s: float = 240.0
    servers: Optional[harness.Servers] = None
    _log_offsets: Dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.servers.url if self.servers else ""

    @property
    def rasa(self) -> Optional[subprocess.Popen]:
        return self.servers.rasa if self.servers else None

    @property
    def actions(self) -> Optional[subprocess.Popen]:
        return self.servers.actions if self.servers else None

    def _endpoints(self, actions_port: int) -> Path:
        path = self.workdir / f"{self.name}-endpoints.yml"
        text = harness.action_endpoint(actions_port) if actions_port else ""
        if self.sqlite_tracker:  # a new file for each start: every run begins with no conversations
            text += harness.sqlite_store(self.workdir / f"{self.name}-{uuid.uuid4().hex[:6]}-conversations.db")
        path.write_text(text + self.endpoints_extra)
        return path

    def start(self) -> float:
        """Start the processes together; seconds from then to the first fully answered probe."""
        rasa_port = free_port()
        actions_port = self.shared_actions_port or (free_port() if self.with_actions else 0)
        self.servers = harness.Servers(
            self.name,
            {**os.environ, **BASE_ENV, **self.env},
            LOGS,
            model=self.model,
            endpoints=self._endpoints(actions_port),
            credentials=self.credentials,
            cwd=self.project,
            rasa_port=rasa_port,
            actions_port=actions_port,
            with_actions=self.with_actions,
            rasa_options=["--quiet"],
            actions_options=["--quiet"],
            ready=self._answers,
            timeout=self.timeout_s,
            every=0.1,
        )
        elapsed = self.servers.start_together()
        self._mark_logs()
        return elapsed

    def _answers(self) -> bool:
        try:
            reply = requests.post(
                webhook(self.url),
                json={"sender": f"probe-{uuid.uuid4().hex[:8]}", "message": self.probe.text},
                timeout=30,
            )
        except requests.RequestException:
            return False
        if reply.status_code != 200:
            return False
        try:
            text, error = digest(reply.json())
        except (ValueError, TypeError):
            return False
        return error is None and self.probe.expect.lower() in text.lower()

    def _mark_logs(self) -> None:
        """Remember where the logs end now: errors while starting (probes refused) do not count."""
        for log in (f"{self.name}-rasa.log", f"{self.name}-actions.log"):
            path = LOGS / log
            self._log_offsets[log] = path.stat().st_size if path.exists() else 0

    def log_errors(self) -> Dict[str, int]:
        """ERROR lines the Rasa server logged since it was ready, by message (addresses cut).

        Rasa recovers from some failed custom actions by predicting again, so a person may get
        a normal reply while an action failed: the client cannot see those, the log can.
        """
        log = f"{self.name}-rasa.log"
        counts: Dict[str, int] = {}
        try:
            with open(LOGS / log, "rb") as handle:
                handle.seek(self._log_offsets.get(log, 0))
                text = handle.read().decode("utf-8", "replace")
        except OSError:
            return counts
        for line in text.splitlines():
            if " ERROR " not in line:
                continue
            message = re.sub(r"\s+", " ", line.split(" ERROR ", 1)[1]).strip()
            message = re.sub(r"'?https?://[^\s']+'?", "<url>", message)
            message = re.split(r"\. ?(?:Is the server|Bot will continue)", message)[0][:110]
            counts[message] = counts.get(message, 0) + 1
        return counts

    def rss_mb(self, key: str = "VmRSS") -> Dict[str, Optional[float]]:
        """Memory of each server in MB (None: this bot has no such server)."""
        rasa = tree_kb(self.rasa.pid, key) / 1024 if self.rasa else None
        actions = tree_kb(self.actions.pid, key) / 1024 if self.actions else None
        return {"rasa": rasa, "actions": actions}

    def stop(self) -> None:
        """Stop only the processes this object started, by their PID."""
        if self.servers is not None:
            self.servers.stop()


def ours(model: Path, workdir: Path, sqlite_tracker: bool = True) -> Bot:
    """Our bot as deployed: project credentials, action server, SQLite conversations (temporary).

    `sqlite_tracker=False` keeps conversations in memory, as stock Rasa does: for telling how
    much of a difference the tracker store makes.
    """
    env = {
        "PYTHONPATH": str(ROOT),
        "BOT_REGION": "us",
        "WEB_ALLOWED_ORIGINS": f"http://127.0.0.1:{free_port()}",
    }
    return Bot("ours", ROOT, model, workdir, OUR_PROBE, True, ROOT / "credentials.yml", env, sqlite_tracker)


def stock(project: Path, model: Path, workdir: Path) -> Bot:
    """The `rasa init` bot as it comes: its own credentials, no action server, in-memory trackers."""
    return Bot("stock", project, model, workdir, STOCK_PROBE, False, project / "credentials.yml")
