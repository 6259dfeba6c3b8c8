"""Check-ins and the summary end to end, on the real servers (issue #19).

Check-ins are Rasa reminders (`ReminderScheduled`): they must reach the person's channel (here a
REST integrator's callback URL, Telegram in test_telegram.py), survive a restart of the Rasa
server, and fire once with two Rasa processes on PostgreSQL + Redis. CHECKIN_SECONDS_PER_HOUR
shortens an hour to a few seconds so the tests need not wait.
"""

import time
import uuid
from typing import Iterator, Tuple

import pytest

from tests.e2e.conftest import BotServers, CallbackSink, export_transcript, sqlite_store, two_rasa_processes

pytestmark = pytest.mark.e2e

REPORT = ["i ran out of baclofen on friday and can't sleep", "tablets", "that's all", "no, none of these"]
GREETING = "this is the check-in you asked for"


def level(replies):
    return next((r["custom"]["triage"]["level"] for r in replies if "triage" in (r.get("custom") or {})), None)


def texts(replies):
    return [r.get("text") or "" for r in replies]


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> Iterator[Tuple[BotServers, CallbackSink]]:
    """One action server and one Rasa server keeping conversations in SQLite (so a restart keeps
    them), an hour lasting 2 s, and check-ins of REST conversations POSTed to a local callback."""
    sink = CallbackSink()
    folder = tmp_path_factory.mktemp("checkins")
    store = sqlite_store(folder / "conversations.db")
    env = {"CHECKIN_SECONDS_PER_HOUR": "2", "CHECKIN_CALLBACK_URL": sink.url}
    servers = BotServers(folder, "checkins", endpoints_extra=store, env_extra=env)
    try:
        servers.start_actions()
        servers.start_rasa()
        yield servers, sink
    finally:
        servers.stop()
        sink.close()


def assessed(servers: BotServers, sender: str):
    replies = []
    for text in REPORT:
        replies = servers.say(sender, text)
    return replies


def test_an_urgent_assessment_offers_a_checkin_and_it_comes_to_the_callback(bot):
    servers, sink = bot
    sender = f"c-{uuid.uuid4().hex[:8]}"
    replies = assessed(servers, sender)
    assert level(replies) == "urgent"
    offer = replies[-1]
    assert "check on you in 2 hours" in offer["text"]  # a sudden stop: 2 hours (bot/knowledge/checkins.yml)
    assert [b["payload"] for b in offer["buttons"]][:2] == ["check on me in 2 hours", "check on me in 1 hour"]
    scheduled = servers.say(sender, "check on me in 1 hour")
    assert "I will check on you in 1 hour" in scheduled[0]["text"]
    sink.wait_for(lambda: any("How are you now" in t for t in sink.texts(sender)), timeout=30)
    assert GREETING in sink.texts(sender)[0]
    question = next(
        m for m in sink.received if m.get("recipient_id") == sender and "How are you now" in (m.get("text") or "")
    )
    assert [b["payload"] for b in question["buttons"]] == ["better", "about the same", "worse"]
    # "worse" then a yes to the screen: the emergency advice, in that turn
    assert "Is any of these happening now" in servers.say(sender, "worse")[-1]["text"]
    replies = servers.say(sender, "yes, one of these is happening")
    assert level(replies) == "emergency"
    assert not any("check on you" in t for t in texts(replies))  # never offered after an emergency


def test_better_at_a_checkin_is_acknowledged(bot):
    servers, sink = bot
    sender = f"c-{uuid.uuid4().hex[:8]}"
    assessed(servers, sender)
    servers.say(sender, "yes")  # yes to the offer: the suggested time (2 hours = 4 s)
    sink.wait_for(lambda: any("How are you now" in t for t in sink.texts(sender)), timeout=30)
    servers.say(sender, "better")
    replies = servers.say(sender, "no, none of these")
    assert "Good to hear" in texts(replies)[0] and level(replies) is None


def test_a_cancelled_checkin_never_comes(bot):
    servers, sink = bot
    sender = f"c-{uuid.uuid4().hex[:8]}"
    assessed(servers, sender)
    servers.say(sender, "check on me in 1 hour")
    assert "The next check-in is in 1 hour" in servers.say(sender, "when is my next check-in?")[0]["text"]
    assert "will not check on you" in servers.say(sender, "stop checking on me")[0]["text"]
    time.sleep(5)  # twice the check-in's delay
    assert sink.texts(sender) == []
    assert "no check-in planned" in servers.say(sender, "stop checking on me")[0]["text"]


def test_a_checkin_survives_a_restart_of_the_rasa_server(bot):
    servers, sink = bot
    sender = f"c-{uuid.uuid4().hex[:8]}"
    assessed(servers, sender)
    servers.say(sender, "check on me in 2 hours")  # 4 s
    servers.stop_rasa()  # the scheduler's memory is gone with the process
    time.sleep(5)  # it fell due while the server was down
    assert sink.texts(sender) == []
    servers.start_rasa()
    sink.wait_for(lambda: any("How are you now" in t for t in sink.texts(sender)), timeout=30)
    assert sum(GREETING in t for t in sink.texts(sender)) == 1


def test_the_summary_has_each_symptom_with_its_time_and_the_level_with_reasons(bot):
    servers, _ = bot
    sender = f"c-{uuid.uuid4().hex[:8]}"
    servers.say(sender, "i stopped baclofen suddenly two days ago")
    servers.say(sender, "i can't sleep and my legs are really stiff, no fever")
    for text in ("tablets", "that's all", "no, none of these"):
        servers.say(sender, text)
    replies = servers.say(sender, "summary for my doctor")
    summary = replies[0]["text"]
    today = time.strftime("%d %b %Y", time.gmtime())
    assert summary.startswith("Summary for the doctor, made " + today)
    reported = summary.split("What was reported:")[1].split("What the self-assessment said:")[0]
    assert "trouble sleeping" in reported and "stiff" in reported and f"- {today} " in reported
    assert "said not present: " in reported and "fever" in reported
    assert "What happened with the doses:" in summary and "a sudden stop" in summary
    said = summary.split("What the self-assessment said:")[1]
    assert ": urgent. " in said and "Sources:" in said
    assert sender not in summary and "not a diagnosis" in summary
    custom = replies[1]["custom"]["summary"]
    assert custom["levels"] and custom["reported"]


def test_no_checkin_after_an_emergency(bot):
    servers, _ = bot
    sender = f"c-{uuid.uuid4().hex[:8]}"
    replies = servers.say(sender, "i stopped baclofen and i'm seeing bugs on the walls")
    assert level(replies) == "emergency" and not any("check on you" in t for t in texts(replies))
    assert "do not wait for a check-in" in servers.say(sender, "check on me in 2 hours")[0]["text"]


def test_transcripts_export_a_conversation_the_running_bot_kept_in_sqlite(bot, tmp_path):
    servers, _ = bot
    sender = f"c-{uuid.uuid4().hex[:8]}"
    assessed(servers, sender)
    servers.say(sender, "summary")
    text = export_transcript(servers.endpoints, f"rest:{sender}", tmp_path)
    assert "i ran out of baclofen on friday and can't sleep" in text
    assert "**Triage: urgent**" in text and "Would you like me to check on you" in text
    assert "Summary for the doctor" in text


def test_two_processes_fire_a_checkin_once(tmp_path_factory, database, tmp_path):
    sink = CallbackSink()
    env = {"CHECKIN_SECONDS_PER_HOUR": "20", "CHECKIN_CALLBACK_URL": sink.url}
    try:
        with two_rasa_processes(tmp_path_factory, database, "checkins-two", env_extra=env) as (first, second):
            sender = f"c-{uuid.uuid4().hex[:8]}"
            assessed(first, sender)
            first.say(sender, "check on me in 2 hours")  # 40 s, on the first process's scheduler
            second.stop_rasa()
            second.start_rasa()  # restores the same check-in on the second process's scheduler
            sink.wait_for(lambda: any(GREETING in t for t in sink.texts(sender)), timeout=90)
            time.sleep(5)  # both schedulers have fired by now
            assert sum(GREETING in t for t in sink.texts(sender)) == 1
            # and the conversation goes on on either process
            assert "Is any of these happening now" in second.say(sender, "about the same")[-1]["text"]
            # The conversation as PostgreSQL keeps it, exported for review.
            scale = {
                "DB_URL": database,
                "REDIS_URL": "redis://127.0.0.1:6379/2",
                "ACTION_ENDPOINT_URL": "http://127.0.0.1:9",
            }
            text = export_transcript(first.endpoints, f"rest:{sender}", tmp_path, scale)
            assert "i ran out of baclofen on friday" in text and "this is the check-in you asked for" in text
    finally:
        sink.close()
