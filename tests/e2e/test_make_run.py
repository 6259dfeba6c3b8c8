"""`make run` as a person runs it: every part up, or every part stopped (never a page without a bot).

The scale-out start uses the shipped deploy/endpoints.scale.yml as shipped, with the environment
the README names (DB_URL, REDIS_URL), on this machine's PostgreSQL and Redis.
"""

import os
import signal
import socket
import subprocess
import time

import pytest
import requests

from bot.stores.scratch import scratch_database
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.e2e


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


# Set by the `make test` that runs these tests (its own defaults, for port 5055...): a person's
# shell has none of them, and `make run` would keep them (`?=`).
FROM_THE_TEST_RUN = ("ACTION_ENDPOINT_URL", "WEB_ALLOWED_ORIGINS", "TELEGRAM_DEDUP_REDIS_URL", "REDIS_URL", "DB_URL")
MAKE_STATE = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def make_run(**env: str) -> subprocess.Popen:
    ports = {k: env.pop(k) for k in ("RASA_PORT", "ACTIONS_PORT", "WEB_PORT")}
    args = ["make", "--no-print-directory", "run", *(f"{k}={v}" for k, v in ports.items())]
    clean = {k: v for k, v in os.environ.items() if k not in FROM_THE_TEST_RUN + MAKE_STATE}
    return subprocess.Popen(
        args,
        env={**clean, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def test_when_one_part_cannot_start_every_part_is_stopped():
    rasa, actions, web = free_port(), free_port(), free_port()
    with socket.socket() as taken:  # the Rasa server's port is already in use
        taken.bind(("127.0.0.1", rasa))
        taken.listen()
        run = make_run(RASA_PORT=str(rasa), ACTIONS_PORT=str(actions), WEB_PORT=str(web))
        out, _ = run.communicate(timeout=200)
    assert run.returncode != 0
    assert "The bot did not start" in out
    time.sleep(1)
    assert not listening(actions) and not listening(web), "no part may be left running"


def command_lines() -> list:
    lines = []
    for proc in os.listdir("/proc"):
        if proc.isdigit():
            try:
                with open(f"/proc/{proc}/cmdline", "rb") as f:
                    lines.append(f.read().decode(errors="replace"))
            except OSError:
                pass
    return lines


def test_the_readmes_scale_out_command_starts_from_the_shipped_files_with_the_api_token_hidden():
    rasa, actions, web = free_port(), free_port(), free_port()
    token = "token-" + os.urandom(8).hex()
    with scratch_database() as database:
        run = make_run(
            RASA_PORT=str(rasa),
            ACTIONS_PORT=str(actions),
            WEB_PORT=str(web),
            DB_URL=database,
            REDIS_URL="redis://127.0.0.1:6379/2",
            RASA_AUTH_TOKEN=token,
        )
        try:
            deadline = time.monotonic() + 180
            health = {}
            while time.monotonic() < deadline and run.poll() is None:
                try:
                    health = requests.get(f"http://127.0.0.1:{rasa}/webhooks/health/", timeout=5).json()
                    if health.get("status") == "ok":
                        break
                except requests.RequestException:
                    pass
                time.sleep(2)
            assert health.get("status") == "ok", health
            assert health["conversations"] == "ok" and health["locks"] == "ok"
            replies = requests.post(
                f"http://127.0.0.1:{rasa}/webhooks/rest/webhook",
                json={"sender": "scale-readme", "message": "I'm seeing bugs on the walls"},
                timeout=30,
            ).json()
            assert replies[0]["text"].startswith("EMERGENCY")
            # the HTTP API is on with the token, which no process list shows
            status = f"http://127.0.0.1:{rasa}/status"
            assert requests.get(status, params={"token": token}, timeout=10).status_code == 200
            assert requests.get(status, timeout=10).status_code == 401
            assert not any(token in line for line in command_lines()), "the token is visible in ps"
        finally:
            os.killpg(run.pid, signal.SIGINT)  # Ctrl-C
            run.communicate(timeout=60)
    time.sleep(1)
    assert not any(listening(p) for p in (rasa, actions, web))
