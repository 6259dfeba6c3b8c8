"""Faults that must not cost a red flag: the action server stops in the middle of a conversation."""

import pytest

from tests.e2e.conftest import BotServers

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


def texts(replies):
    return [r["text"] for r in replies if "text" in r]


def test_action_server_down_then_back(servers):
    person = "resilience-1"
    assert "tablets" in texts(servers.say(person, "i ran out of baclofen and my legs are stiff"))[-1].lower()

    servers.stop_actions()
    # a red flag still gets the emergency advice in that turn, from the Rasa process itself
    replies = servers.say(person, "now i'm seeing spiders on the ceiling")
    assert texts(replies)[0].startswith("EMERGENCY: call 911")
    triage = next(r["custom"]["triage"] for r in replies if "custom" in r)
    assert triage["level"] == "emergency" and triage["fallback"] is True
    # anything else gets an apology that says what to do
    (apology,) = texts(servers.say(person, "tablets"))
    assert "try again" in apology and "call 911" in apology

    servers.start_actions()
    # the conversation goes on where it was
    replies = servers.say(person, "what is baclofen?")
    assert any("Source:" in t for t in texts(replies))
    assert texts(servers.say("resilience-2", "hello"))
