"""Start the real action server and Rasa server (REST channel) once for the end-to-end tests."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

MODEL = Path("models/baclofen.tar.gz")
LOGS = Path("build/test-logs")
RASA = str(Path(sys.executable).parent / "rasa")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not become ready in {timeout:.0f} s (logs in {LOGS})")


@pytest.fixture(scope="session")
def web_port() -> int:
    """The chat page's port, chosen first: the Rasa server only accepts that page's origin."""
    return free_port()


@pytest.fixture(scope="session")
def bot_url(tmp_path_factory, web_port) -> Iterator[str]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    LOGS.mkdir(parents=True, exist_ok=True)
    rasa_port, actions_port = free_port(), free_port()
    endpoints = tmp_path_factory.mktemp("e2e") / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": os.getcwd(),
        "BOT_REGION": "us",
        "WEB_ALLOWED_ORIGINS": f"http://127.0.0.1:{web_port}",
    }
    env.pop("EMERGENCY_NUMBER", None)
    processes = [
        subprocess.Popen(
            [RASA, "run", "actions", "--actions", "actions", "--port", str(actions_port)],
            env=env,
            stdout=open(LOGS / "actions.log", "w"),
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [
                RASA,
                "run",
                "--model",
                str(MODEL),
                "--port",
                str(rasa_port),
                "--endpoints",
                str(endpoints),
                "--credentials",
                "credentials.yml",
                "--interface",
                "127.0.0.1",
            ],
            env=env,
            stdout=open(LOGS / "rasa.log", "w"),
            stderr=subprocess.STDOUT,
        ),
    ]
    url = f"http://127.0.0.1:{rasa_port}"
    try:
        wait_until(lambda: requests.get(f"http://127.0.0.1:{actions_port}/health", timeout=2).ok, "action server")
        wait_until(
            lambda: requests.post(
                f"{url}/webhooks/rest/webhook", json={"sender": "probe", "message": "hello"}, timeout=10
            ).json(),
            "Rasa server",
        )
        yield url
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.fixture(scope="session")
def web_url(bot_url, web_port) -> Iterator[str]:
    """The chat page, served by `python -m bot.cli.serve_web` and talking to the test's Rasa server."""
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "BOT_REGION": "us"}
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
