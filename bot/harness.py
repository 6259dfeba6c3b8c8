"""The bot's two servers as child processes, for the end-to-end tests and the benchmarks.

`rasa run actions` and `rasa run` on free ports of 127.0.0.1, an endpoints file written for the run
(or a shipped one used as it is), each process's output appended to a log file of its own. Started
one after the other, each waited for (`start_actions`, `start_rasa`: the tests, which also stop
and start one part again), or both at the same moment with the time to the first full answer
measured (`start_together`: the benchmarks' cold start). Stopped by their own PIDs, never by name.

In bot/ rather than tests/ or bench/ because both use it: tests/e2e/conftest.py (`BotServers`, the
tests' environment and options) and bench/servers.py (`Bot`, the processes as `make run` starts
them, plus memory and log figures). What differs between them is given by the caller: the
children's environment, the command-line options, the readiness check and the time limits.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Callable, Dict, List, Mapping, Optional, Sequence, Set, Union

import requests

RASA = str(Path(sys.executable).parent / "rasa")
# People's own bots listen there (`make run`): never handed out.
PEOPLES_PORTS = (5005, 5055, 8080)
_handed_out: Set[int] = set()


def free_port() -> int:
    """A port nothing listens on now; never 5005/5055/8080, nor one this process has handed out
    before (two servers made one after the other must not get the same port before either has bound it)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in PEOPLES_PORTS and port not in _handed_out:
            _handed_out.add(port)
            return int(port)


def wait_until(
    check: Callable[[], object],
    what: str,
    timeout: float = 120.0,
    every: float = 0.5,
    processes: Sequence[Optional[subprocess.Popen]] = (),
    logs: object = "the logs",
) -> float:
    """Call `check` until it returns something true (a failed HTTP request counts as not yet); the
    seconds that took. RuntimeError when `timeout` passes first, or as soon as one of `processes`
    has exited (it will never answer)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        for process in processes:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{what}: the server exited (code {process.returncode}); logs in {logs}")
        try:
            if check():
                return time.perf_counter() - start
        except requests.RequestException:
            pass
        time.sleep(every)
    raise RuntimeError(f"{what} did not become ready in {timeout:.0f} s (logs in {logs})")


def action_endpoint(port: int) -> str:
    """The endpoints.yml lines for an action server on this machine's `port`."""
    return f'action_endpoint:\n  url: "http://127.0.0.1:{port}/webhook"\n'


def sqlite_store(path: Path) -> str:
    """The endpoints.yml lines for our SQL tracker store in a SQLite file."""
    return f"tracker_store:\n  type: bot.stores.checked_sql.CheckedSQLTrackerStore\n  dialect: sqlite\n  db: {path}\n"


def stop_process(process: Optional[subprocess.Popen]) -> None:
    """SIGTERM, 20 s to end, then SIGKILL; nothing if it has already ended."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class Servers:
    """One bot's action server (unless `with_actions` is False) and Rasa server.

    `env` is the children's whole environment and `cwd` their folder (None: this process's), where
    `model`, `endpoints` and `credentials` are found (the Rasa server needs the first two).
    `rasa_port` and `actions_port` (0: a free one) are fixed for this object's life, so a part
    stopped and started again keeps its address.
    `ready` says whether the Rasa server answers as it should (by default: "hello" gets a reply);
    `timeout` and `every` are how long and how often it and the action server's /health are tried.
    """

    def __init__(
        self,
        name: str,
        env: Mapping[str, str],
        logs: Path,
        model: Union[Path, str, None] = None,
        endpoints: Optional[Path] = None,
        credentials: Union[Path, str] = "credentials.yml",
        cwd: Optional[Path] = None,
        rasa_port: int = 0,
        actions_port: int = 0,
        with_actions: bool = True,
        rasa_options: Sequence[str] = (),
        actions_options: Sequence[str] = (),
        ready: Optional[Callable[[], bool]] = None,
        timeout: float = 120.0,
        every: float = 0.5,
    ) -> None:
        self.name = name
        self.model = model
        self.env: Dict[str, str] = dict(env)
        self.logs = logs
        self.endpoints = endpoints
        self.credentials = credentials
        self.cwd = cwd
        self.rasa_port = rasa_port or free_port()
        self.actions_port = actions_port or (free_port() if with_actions else 0)
        self.with_actions = with_actions
        self.rasa_options = list(rasa_options)
        self.actions_options = list(actions_options)
        self.ready = ready or (lambda: bool(self.say("probe", "hello")))
        self.timeout = timeout
        self.every = every
        self.rasa: Optional[subprocess.Popen] = None
        self.actions: Optional[subprocess.Popen] = None
        self._log_files: Dict[str, IO[bytes]] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def log(self, part: str) -> Path:
        """The log file of "rasa" or "actions"."""
        return self.logs / f"{self.name}-{part}.log"

    def say(self, sender: str, text: str) -> List[Dict]:
        reply = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30)
        reply.raise_for_status()
        return list(reply.json())

    # ------------------------------------------------------------------------------------ start

    def _spawn(self, part: str, args: List[str]) -> subprocess.Popen:
        self.logs.mkdir(parents=True, exist_ok=True)
        handle = open(self.log(part), "ab")  # closed when the process is stopped
        self._log_files[part] = handle
        return subprocess.Popen(args, cwd=self.cwd, env=self.env, stdout=handle, stderr=subprocess.STDOUT)

    def _spawn_actions(self) -> None:
        args = [RASA, "run", "actions", "--actions", "actions", "--port", str(self.actions_port)]
        self.actions = self._spawn("actions", args + self.actions_options)

    def _spawn_rasa(self) -> None:
        if self.model is None or self.endpoints is None:
            raise ValueError(f"{self.name}: a Rasa server needs a model and an endpoints file")
        args = [RASA, "run", "--model", str(self.model), "--port", str(self.rasa_port), "--interface", "127.0.0.1"]
        args += ["--endpoints", str(self.endpoints), "--credentials", str(self.credentials)]
        self.rasa = self._spawn("rasa", args + self.rasa_options)

    def actions_healthy(self) -> bool:
        return requests.get(f"http://127.0.0.1:{self.actions_port}/health", timeout=2).ok

    def start_actions(self) -> None:
        """Start the action server and wait until its /health answers."""
        self._spawn_actions()
        what = f"{self.name}: action server"
        wait_until(self.actions_healthy, what, self.timeout, self.every, [self.actions], self.logs)

    def start_rasa(self) -> None:
        """Start the Rasa server and wait until it answers (`ready`)."""
        self._spawn_rasa()
        wait_until(self.ready, f"{self.name}: Rasa server", self.timeout, self.every, [self.rasa], self.logs)

    def start_together(self) -> float:
        """Start both at the same moment (as `make run` does); the seconds from then until `ready`.
        If they do not get there, both are stopped before the error is raised."""
        start = time.perf_counter()
        if self.with_actions:
            self._spawn_actions()
        self._spawn_rasa()
        try:
            processes = [self.rasa, self.actions]
            wait_until(self.ready, f"{self.name}: Rasa server", self.timeout, self.every, processes, self.logs)
        except RuntimeError:
            self.stop()
            raise
        return time.perf_counter() - start

    # ------------------------------------------------------------------------------------ stop

    def _close_log(self, part: str) -> None:
        handle = self._log_files.pop(part, None)
        if handle is not None:
            handle.close()

    def stop_actions(self) -> None:
        stop_process(self.actions)
        self.actions = None
        self._close_log("actions")

    def stop_rasa(self) -> None:
        stop_process(self.rasa)
        self.rasa = None
        self._close_log("rasa")

    def stop(self) -> None:
        """Stop only the processes this object started, by their PIDs."""
        self.stop_rasa()
        self.stop_actions()
