"""The Rasa glue of check-ins: the internals it relies on, and the message waiting for a closed page."""

from bot.checkins import delivery
from bot.checkins.plan import CHECKIN_ENTITY, CHECKIN_INTENT


def test_rasa_internals_still_have_the_signatures_we_rely_on():
    # Fails loudly when a Rasa upgrade changes handle_reminder or trigger_external_user_uttered.
    assert delivery.rasa_signatures_match()


def test_install_routes_reminders_through_our_handler():
    from rasa.core.processor import MessageProcessor

    delivery.install()
    assert MessageProcessor.handle_reminder is delivery._handle_reminder


def test_conversation_ids_split_into_channel_and_own_id():
    assert delivery.split_conversation_id("telegram:123") == ("telegram", "123")
    assert delivery.split_conversation_id("webchat:ab:c") == ("webchat", "ab:c")
    assert delivery.split_conversation_id("plain") == ("", "plain")


def _fired(name):
    entities = [{"entity": CHECKIN_ENTITY, "value": name}]
    return {"event": "user", "parse_data": {"intent": {"name": CHECKIN_INTENT}, "entities": entities}}


def test_a_fired_checkin_without_an_answer_waits_for_the_person():
    events = [
        {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "bot", "text": "Hello"},
        _fired("checkin_a"),
        {"event": "bot", "text": "Hello again", "data": {"custom": {"checkin": {"due": True}}}},
        {"event": "bot", "text": "How are you now?", "data": {"buttons": [{"title": "Better", "payload": "better"}]}},
    ]
    name, messages = delivery.waiting_checkin(events)
    assert name == "checkin_a"
    assert [m["text"] for m in messages] == ["Hello again", "How are you now?"]
    assert messages[1]["buttons"][0]["payload"] == "better"
    answered = [*events, {"event": "user", "text": "better", "parse_data": {"intent": {"name": "feel_better"}}}]
    assert delivery.waiting_checkin(answered) == (None, [])


def test_reminder_for_carries_the_checkin_name_as_an_entity():
    from datetime import datetime, timezone

    from bot.checkins.plan import Pending

    event = delivery.reminder_for(Pending("checkin_x", datetime(2026, 12, 1, tzinfo=timezone.utc)))
    assert event.intent == CHECKIN_INTENT and event.name == "checkin_x" and not event.kill_on_user_message
    assert event.entities == [{"entity": CHECKIN_ENTITY, "value": "checkin_x"}]


def test_rasa_stores_a_cancel_without_its_name_so_a_bare_cancel_cancels_all():
    # If a Rasa upgrade keeps the name, bot.checkins.plan.pending can match by name alone.
    from rasa.shared.core.events import Event

    from bot.checkins.plan import pending

    stored = Event.from_parameters({"event": "cancel_reminder", "name": "checkin_a"}).as_dict()
    assert "name" not in stored
    scheduled = {"event": "reminder", "name": "checkin_a", "date_time": "2026-12-01T10:00:00+00:00"}
    later = {**scheduled, "name": "checkin_b"}
    assert [p.name for p in pending([scheduled, stored, later])] == ["checkin_b"]


async def test_a_checkin_job_that_starts_late_still_runs():
    """APScheduler's default drops a job more than 1 s late; check-ins must run however late."""
    import asyncio
    from datetime import datetime, timedelta, timezone

    from rasa.core import jobs

    await delivery.allow_late_jobs()
    ran = asyncio.Event()

    async def job() -> None:
        ran.set()

    scheduler = await jobs.scheduler()
    scheduler.add_job(job, "date", run_date=datetime.now(timezone.utc) - timedelta(seconds=30), id="checkin_late_test")
    await asyncio.wait_for(ran.wait(), timeout=5)
    jobs.kill_scheduler()
