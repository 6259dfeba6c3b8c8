"""The servers harness of the end-to-end tests and the benchmarks (without starting Rasa)."""

import subprocess
import sys
import time

import pytest

from bot import harness


def test_free_ports_are_never_handed_out_twice_nor_peoples_own():
    ports = [harness.free_port() for _ in range(50)]
    assert len(set(ports)) == len(ports)
    assert not set(ports) & set(harness.PEOPLES_PORTS)


def test_waiting_returns_when_ready_and_fails_at_the_time_limit():
    calls = iter([False, False, True])
    assert harness.wait_until(lambda: next(calls), "thing", timeout=5, every=0.01) < 5
    with pytest.raises(RuntimeError, match="thing did not become ready in 0 s"):
        harness.wait_until(lambda: False, "thing", timeout=0.05, every=0.01)


def test_waiting_stops_at_once_when_the_server_has_exited():
    ended = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    ended.wait(timeout=30)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="exited \\(code 3\\)"):
        harness.wait_until(lambda: False, "thing", timeout=60, every=0.01, processes=[ended])
    assert time.monotonic() - started < 5


def test_ports_are_kept_for_a_restart_and_a_shared_action_server_is_not_ours(tmp_path):
    servers = harness.Servers("x", {}, tmp_path, model="m.tar.gz", endpoints=tmp_path / "e.yml")
    assert servers.rasa_port and servers.actions_port and servers.url.endswith(f":{servers.rasa_port}")
    shared = harness.Servers("y", {}, tmp_path, actions_port=servers.actions_port, with_actions=False)
    assert shared.actions_port == servers.actions_port
    with pytest.raises(ValueError, match="needs a model"):
        shared.start_rasa()


def test_endpoints_lines():
    assert harness.action_endpoint(5) == 'action_endpoint:\n  url: "http://127.0.0.1:5/webhook"\n'
    assert "dialect: sqlite\n  db: /tmp/c.db\n" in harness.sqlite_store("/tmp/c.db")


def test_a_stopped_part_is_stopped_by_its_pid_and_its_log_closed(tmp_path):
    servers = harness.Servers("sleeper", {}, tmp_path)
    servers.actions = servers._spawn("actions", [sys.executable, "-c", "import time; time.sleep(60)"])
    process = servers.actions
    servers.stop()
    assert process.poll() is not None and servers.actions is None
    assert servers.log("actions").exists() and not servers._log_files
