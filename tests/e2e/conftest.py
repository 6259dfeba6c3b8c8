"""Start the real action server and Rasa server (REST channel) once for the end-to-end tests."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest
import requests

from bot import harness

MODEL = Path("models/baclofen.tar.gz")
# Debian's Chromium, driven by Playwright (never `playwright install`, which downloads a browser).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path("build/screenshots")
LOGS = Path("build/test-logs")
RASA = harness.RASA
free_port = harness.free_port  # never a port handed out before in this test run
sqlite_store = harness.sqlite_store
_SESSION_ENDPOINTS: List[Path] = []


def texts(replies: List[Dict]) -> List[str]:
    """The texts of a REST reply's messages (buttons, images and custom payloads left out)."""
    return [r["text"] for r in replies if "text" in r]


def wait_until(check, what: str, timeout: float = 120.0) -> None:
    harness.wait_until(check, what, timeout, every=0.5, logs=LOGS)


@pytest.fixture(scope="session")
def web_port() -> int:
    """The chat page's port, chosen first: the Rasa server only accepts that page's origin."""
    return free_port()


class BotServers(harness.Servers):
    """The action server and the Rasa server as child processes (bot/harness.py), in the tests'
    environment; each can be stopped and started again on the same ports."""

    def __init__(
        self,
        workdir: Path,
        name: str,
        web_port: Optional[int] = None,
        endpoints_extra: str = "",
        actions_port: Optional[int] = None,
        endpoints_file: Optional[Path] = None,
        env_extra: Optional[Dict[str, str]] = None,
    ) -> None:
        """`endpoints_file`: a shipped endpoints file used as it is (its ${VARS} from `env_extra`, where
        ACTION_ENDPOINT_URL is set to this action server); otherwise one is written with `endpoints_extra`."""
        if not MODEL.exists():
            pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
        LOGS.mkdir(parents=True, exist_ok=True)
        rasa_port, actions_port = free_port(), actions_port or free_port()
        if endpoints_file is None:
            endpoints_file = workdir / "endpoints.yml"
            endpoints_file.write_text(harness.action_endpoint(actions_port) + endpoints_extra)
        origins = f"http://127.0.0.1:{web_port or free_port()}"
        env = {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONPATH": os.getcwd(),
            "BOT_REGION": "us",
            "WEB_ALLOWED_ORIGINS": origins,
            # no SANIC_HOST: the action server must listen on the loopback by default (actions/__init__.py)
            # Rasa may open a connection to the action server and write to it later under load
            "SANIC_KEEP_ALIVE_TIMEOUT": "60",
            "CLINICIAN_VIEW": "true",  # the tests open the clinician view too
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
            **(env_extra or {}),
        }
        env.pop("EMERGENCY_NUMBER", None)
        env.pop("SANIC_HOST", None)
        super().__init__(
            name,
            env,
            LOGS,
            model=MODEL,
            endpoints=endpoints_file,
            rasa_port=rasa_port,
            actions_port=actions_port,
            rasa_options=["--cors", env["WEB_ALLOWED_ORIGINS"]],
            timeout=120.0,
            every=0.5,
        )


SCALE_ENDPOINTS = Path(__file__).resolve().parents[2] / "deploy" / "endpoints.scale.yml"
SCALE_REDIS_URL = "redis://127.0.0.1:6379/2"


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A new, empty PostgreSQL database on this machine's server for one test module, dropped after."""
    from bot.stores.scratch import scratch_database

    with scratch_database() as url:
        yield url


@contextmanager
def two_rasa_processes(
    tmp_path_factory, database: str, name: str, env_extra: Optional[Dict[str, str]] = None
) -> Iterator[Tuple[BotServers, BotServers]]:
    """One action server and two Rasa processes on PostgreSQL (`database`) and this machine's Redis,
    started from the shipped deploy/endpoints.scale.yml as the README's scale-out starts them. The
    action server belongs to the first; it is let go (SIGCONT) before stopping, in case a test froze it."""
    env = {"DB_URL": database, "REDIS_URL": SCALE_REDIS_URL, **(env_extra or {})}
    shipped = {"endpoints_file": SCALE_ENDPOINTS, "env_extra": env}
    first = BotServers(tmp_path_factory.mktemp(f"{name}-a"), f"{name}-a", **shipped)
    second: Optional[BotServers] = None
    try:
        first.start_actions()
        first.start_rasa()
        # Made only now: its free port is picked while the first's ports are taken, never one of them.
        workdir = tmp_path_factory.mktemp(f"{name}-b")
        second = BotServers(workdir, f"{name}-b", actions_port=first.actions_port, **shipped)
        second.start_rasa()
        yield first, second
    finally:
        if first.actions is not None and first.actions.poll() is None:
            os.kill(first.actions.pid, signal.SIGCONT)
        if second is not None:
            second.stop()
        first.stop()


def export_transcript(endpoints: Path, conversation: str, out: Path, env_extra: Optional[Dict[str, str]] = None) -> str:
    """The transcript `python -m bot.cli.transcripts` writes for one conversation, as a reviewer runs it."""
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "RASA_TELEMETRY_ENABLED": "false", **(env_extra or {})}
    command = [sys.executable, "-m", "bot.cli.transcripts", "--endpoints", str(endpoints), "--out", str(out)]
    done = subprocess.run([*command, "--sender", conversation], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    (path,) = out.glob("*.md")
    return path.read_text(encoding="utf-8")


class CallbackSink:
    """A local HTTP server that records what the bot POSTs to a REST integrator's callback URL."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        received: List[dict] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append(json.loads(body or b"{}"))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def texts(self, recipient: str) -> List[str]:
        return [m.get("text") or "" for m in list(self.received) if m.get("recipient_id") == recipient]

    def wait_for(self, check, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.2)
        raise AssertionError(f"the callback did not receive what was expected in {timeout:.0f} s")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def bot_url(tmp_path_factory, web_port) -> Iterator[str]:
    # An hour of a check-in lasts 2 s, so the page's check-in test need not wait (test_web.py).
    # Conversations in SQLite, as the default set-up keeps them (transcripts are exported from it).
    folder = tmp_path_factory.mktemp("e2e")
    store = sqlite_store(folder / "conversations.db")
    env = {"CHECKIN_SECONDS_PER_HOUR": "2"}
    servers = BotServers(folder, "bot", web_port, endpoints_extra=store, env_extra=env)
    try:
        servers.start_actions()
        servers.start_rasa()
        _SESSION_ENDPOINTS[:] = [servers.endpoints]
        yield servers.url
    finally:
        servers.stop()


@pytest.fixture(scope="session")
def bot_endpoints(bot_url, tmp_path_factory) -> Path:
    """The session bot's endpoints file (its SQLite conversations, for transcripts)."""
    return _SESSION_ENDPOINTS[0]


@pytest.fixture(scope="session")
def web_url(bot_url, web_port) -> Iterator[str]:
    """The chat page, served by `python -m bot.cli.serve_web` and talking to the test's Rasa server."""
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "BOT_REGION": "us", "CLINICIAN_VIEW": "true"}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli.serve_web", "--port", str(web_port), "--rasa-url", bot_url],
        env=env,
        stdout=open(LOGS / "web.log", "w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{web_port}"
    try:
        wait_until(lambda: requests.get(url, timeout=2).ok, "chat page server", timeout=30)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture()
def chat(bot_url):
    """A conversation with a fresh sender id: chat("text") -> the bot's replies."""
    import uuid

    sender = f"test-{uuid.uuid4().hex[:10]}"
    session = requests.Session()

    def say(text):
        response = session.post(
            f"{bot_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30
        )
        response.raise_for_status()
        return response.json()

    return say


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the page and report tests; screenshots go to build/screenshots."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
