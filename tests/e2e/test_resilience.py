"""Faults that must not cost a red flag: the action server stops in the middle of a conversation."""

import subprocess

import pytest
import requests

from tests.e2e.conftest import MODEL, RASA, BotServers, texts

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    servers = BotServers(tmp_path_factory.mktemp("resilience"), "resilience")
    try:
        servers.start_actions()
        servers.start_rasa()
        yield servers
    finally:
        servers.stop()


def test_action_server_down_then_back(servers):
    person = "resilience-1"
    assert "tablets" in texts(servers.say(person, "i ran out of baclofen and my legs are stiff"))[-1].lower()

    assert requests.get(f"{servers.url}/webhooks/health/", timeout=10).json() == {
        "status": "ok",
        "model": "ok",
        "nlu": "ok",
        "actions": "ok",
        "conversations": "ok",
        "locks": "ok",
    }

    servers.stop_actions()
    health = requests.get(f"{servers.url}/webhooks/health/", timeout=10)
    assert health.status_code == 503 and health.json()["actions"].startswith("action server unreachable")
    # a red flag still gets the emergency advice in that turn, from the Rasa process itself
    replies = servers.say(person, "now i'm seeing spiders on the ceiling")
    assert texts(replies)[0].startswith("EMERGENCY: call 911")
    triage = next(r["custom"]["triage"] for r in replies if "custom" in r)
    assert triage["level"] == "emergency" and triage["fallback"] is True
    # the conversation so far is an emergency: a later silent turn repeats the advice
    assert texts(servers.say(person, "tablets"))[0].startswith("EMERGENCY: call 911")
    # an emergency that only appears across turns is judged from the stored conversation
    servers.say("resilience-pump", "my pump alarm went off an hour ago")
    replies = servers.say("resilience-pump", "and now I'm itchy all over")
    assert texts(replies)[0].startswith("EMERGENCY: call 911")
    # anything else gets an apology that says what to do
    (apology,) = texts(servers.say("resilience-3", "my legs are a bit stiff"))
    assert "try again" in apology and "call 911" in apology

    servers.start_actions()
    # the conversation goes on where it was
    replies = servers.say(person, "what is baclofen?")
    assert any("Source:" in t for t in texts(replies))
    assert texts(servers.say("resilience-2", "hello"))


def test_a_conversation_survives_a_restart_of_the_rasa_server(tmp_path):
    store = (
        "tracker_store:\n  type: bot.stores.checked_sql.CheckedSQLTrackerStore\n"
        f"  dialect: sqlite\n  db: {tmp_path}/c.db\n"
    )
    servers = BotServers(tmp_path, "restart", endpoints_extra=store)
    try:
        servers.start_actions()
        servers.start_rasa()
        person = "restart-1"
        servers.say(person, "i ran out of baclofen on friday and i'm shaking")
        assert "anything else" in texts(servers.say(person, "tablets"))[-1].lower()

        servers.stop_rasa()
        servers.start_rasa()

        # the form goes on where it was, and the earlier symptoms and answers are still there
        assert "is any of these happening now" in texts(servers.say(person, "no that's all"))[-1].lower()
        replies = servers.say(person, "no, none of these")
        triage = next(r["custom"]["triage"] for r in replies if "custom" in r)
        assert triage["level"] == "urgent"
        assert triage["symptoms"] == ["tremor"]
        assert any("running out" in reason["text"] for reason in triage["reasons"])
    finally:
        servers.stop()


def test_an_unreachable_conversation_database_stops_the_server_with_a_clear_message(tmp_path):
    store = (
        "tracker_store:\n  type: bot.stores.checked_sql.CheckedSQLTrackerStore\n  dialect: postgresql\n"
        "  url: 127.0.0.1\n  port: 1\n  db: nothere\n  connect_timeout: 2\n"
    )
    servers = BotServers(tmp_path, "nodb", endpoints_extra=store)
    args = [RASA, "run", "--model", str(MODEL), "--port", str(servers.rasa_port), "--endpoints", str(servers.endpoints)]
    done = subprocess.run(args, env=servers.env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "conversation database postgresql://127.0.0.1:1/nothere cannot be reached" in done.stdout + done.stderr
