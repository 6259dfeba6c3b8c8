"""Faults injected into the real parts while people talk: nothing may be lost in silence.

PostgreSQL and Redis are this machine's own servers (the shipped deploy/endpoints.scale.yml, as
the README's scale-out uses them); the action server and the Rasa servers are real processes that
are stopped (SIGSTOP: alive but not answering) and killed (SIGKILL). Every red flag must get the
emergency advice in its turn; every other turn is either kept or answered with the guard's
message.
"""

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from bot.stores.scratch import ADMIN_URL, database_name
from tests.e2e.conftest import texts, two_rasa_processes

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def bot(tmp_path_factory, database):
    """One action server and two Rasa processes on PostgreSQL and Redis, from the shipped file."""
    with two_rasa_processes(tmp_path_factory, database, "faults") as servers:
        yield servers


def admin_sql(statement: str, **params) -> None:
    engine = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(statement), params)
    engine.dispose()


def terminate_connections(database: str) -> None:
    admin_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n", n=database_name(database))


def test_terminated_database_connections_lose_no_turn(bot, database):
    first, _ = bot
    person = "faults-terminated"
    assert "tablets" in texts(first.say(person, "i ran out of baclofen and my legs are stiff"))[-1].lower()
    terminate_connections(database)  # what a PostgreSQL restart or fail-over does to the pool
    assert "anything else" in texts(first.say(person, "tablets"))[-1].lower(), "the form went on where it was"


def test_an_unreachable_database_mid_conversation_is_answered_then_the_conversation_goes_on(bot, database):
    first, _ = bot
    name = database_name(database)
    person = "faults-unreachable"
    assert "tablets" in texts(first.say(person, "i ran out of baclofen and my legs are stiff"))[-1].lower()
    admin_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        terminate_connections(database)
        (only,) = texts(first.say(person, "tablets"))
        assert "was not saved" in only, "never a fresh start that forgot the stiff legs"
        replies = first.say(person, "now he's seeing people who aren't there")
        assert texts(replies)[0].startswith("EMERGENCY: call 911") and "was not saved" in texts(replies)[-1]
        health = requests.get(f"{first.url}/webhooks/health/", timeout=15)
        assert health.status_code == 503 and health.json()["conversations"].startswith("conversation database")
    finally:
        admin_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    # back: the conversation is where it was before the outage (the form still asks the route)
    assert "anything else" in texts(first.say(person, "tablets"))[-1].lower()
    assert requests.get(f"{first.url}/webhooks/health/", timeout=15).status_code == 200


def test_a_hung_action_server_still_gives_the_emergency_advice_in_seconds(bot):
    first, second = bot
    person = "faults-hung"
    first.say(person, "i stopped my baclofen and i can't sleep")
    os.kill(first.actions.pid, signal.SIGSTOP)  # alive, not answering
    try:
        started = time.monotonic()
        replies = second.say(person, "now i'm seeing spiders on the ceiling")
        assert time.monotonic() - started < 25
        assert texts(replies)[0].startswith("EMERGENCY: call 911")
        (apology,) = texts(first.say("faults-hung-2", "my legs are a bit stiff"))
        assert "try again" in apology
        health = requests.get(f"{first.url}/webhooks/health/", timeout=15)
        assert health.status_code == 503 and health.json()["actions"].startswith("action server unreachable")
    finally:
        os.kill(first.actions.pid, signal.SIGCONT)
    assert requests.get(f"{first.url}/webhooks/health/", timeout=15).status_code == 200


def test_a_process_killed_while_holding_a_conversation_lock_delays_the_next_message_only_seconds(
    tmp_path_factory, database
):
    with two_rasa_processes(tmp_path_factory, database, "faults-killed") as (doomed, other):
        person = "faults-killed"
        other.say(person, "i ran out of baclofen and my legs are stiff")
        os.kill(doomed.actions.pid, signal.SIGSTOP)  # the next turn waits on the action server, holding the lock
        with ThreadPoolExecutor(max_workers=1) as pool:
            holding = pool.submit(lambda: doomed.say(person, "tablets"))
            time.sleep(2)
            doomed.rasa.kill()  # kill -9 while it holds the conversation's lock
            with pytest.raises(requests.RequestException):
                holding.result(timeout=30)
        os.kill(doomed.actions.pid, signal.SIGCONT)
        started = time.monotonic()
        replies = other.say(person, "tablets")
        waited = time.monotonic() - started
        assert texts(replies), "answered"
        assert waited < 15, f"waited {waited:.0f} s for a dead process's lock (Rasa's default: about 60 s)"


def test_nothing_is_lost_when_turns_alternate_during_connection_terminations(bot, database):
    """Turns keep arriving at both processes while the pool's connections are terminated again and again."""
    first, second = bot
    stop = threading.Event()

    def terminator():
        while not stop.is_set():
            terminate_connections(database)
            time.sleep(0.3)

    killer = threading.Thread(target=terminator)
    killer.start()
    try:
        levels, said = [], []
        for n, turn in enumerate(["i ran out of baclofen on friday and my hands shake", "tablets", "that's all", "no"]):
            replies = (first if n % 2 == 0 else second).say("faults-churn", turn)
            assert texts(replies), f"turn {n + 1} got no answer"
            said += texts(replies)
            levels += [r["custom"]["triage"]["level"] for r in replies if "triage" in (r.get("custom") or {})]
    finally:
        stop.set()
        killer.join()
    # every turn kept (the assessment came), or the person was told which one was not saved
    assert levels == ["urgent"] or any("was not saved" in t for t in said)
