"""The Telegram outbox: nothing Telegram may still take is dropped; order, urgency and pace are kept."""

import asyncio
import json
import time

import pytest

from bot.channels.telegram.api import CALL_TIMEOUT_S, TelegramApiError
from bot.channels.telegram.outbox import LEASE_S, Delivery, Outbox, Pacer


@pytest.fixture()
def outbox(tmp_path):
    return Outbox(f"sqlite:///{tmp_path / 'outbox.db'}")


class Telegram:
    """Stands in for sendMessage: takes messages, or refuses them as told."""

    def __init__(self) -> None:
        self.taken = []
        self.refuse = []  # (error_code, retry_after) for the next calls

    async def send(self, payload):
        if self.refuse:
            code, retry_after = self.refuse.pop(0)
            raise TelegramApiError("sendMessage", f"refused {code}", code, retry_after)
        self.taken.append(payload["text"])


def texts(*words):
    return [{"chat_id": 1, "text": w} for w in words]


async def test_a_turn_goes_out_in_order_and_leaves_the_outbox(outbox):
    telegram = Telegram()
    delivery = Delivery(outbox, telegram.send)
    await delivery.queue("1", texts("a", "b", "c"))
    await delivery.drain("1")
    assert telegram.taken == ["a", "b", "c"] and outbox.waiting() == 0


@pytest.mark.parametrize("code", [500, 502, 0])  # 0: no answer at all (a timeout, the network)
async def test_a_refusal_that_may_pass_keeps_the_message_and_its_place(outbox, code):
    telegram = Telegram()
    telegram.refuse = [(code, None)]
    delivery = Delivery(outbox, telegram.send)
    await delivery.queue("1", texts("EMERGENCY", "why"))
    await delivery.drain("1")
    assert telegram.taken == [] and outbox.waiting("1") == 2, "kept, and the later message waits behind it"
    waiting = outbox.claim("1", now=time.time() + 3600)  # an hour later: its wait is over
    outbox.later(waiting.id, time.time())
    await delivery.drain("1")
    assert telegram.taken == ["EMERGENCY", "why"] and outbox.waiting() == 0


async def test_flood_controls_retry_after_is_honoured_in_full(outbox):
    telegram = Telegram()
    telegram.refuse = [(429, 30)]
    delivery = Delivery(outbox, telegram.send)
    await delivery.queue("1", texts("a"))
    started = time.time()
    await delivery.drain("1")
    assert outbox.claim("1", now=started + 29) is None, "not before retry_after"
    assert outbox.claim("1", now=started + 31) is not None


async def test_an_emergency_turn_goes_before_older_waiting_messages(outbox):
    telegram = Telegram()
    delivery = Delivery(outbox, telegram.send)
    await delivery.queue("1", texts("old question"))
    await delivery.queue("1", texts("EMERGENCY: call 911", "why"), urgent=True)
    await delivery.drain("1")
    assert telegram.taken == ["EMERGENCY: call 911", "why", "old question"]


async def test_what_waits_survives_a_restart_and_the_background_task_sends_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    first = Outbox(url)
    first.put("7", texts("waiting since before the restart"))
    telegram = Telegram()
    delivery = Delivery(Outbox(url), telegram.send)  # a new process on the same database
    delivery.start()
    try:
        for _ in range(50):
            if telegram.taken:
                break
            await asyncio.sleep(0.1)
    finally:
        await delivery.stop()
    assert telegram.taken == ["waiting since before the restart"]


async def test_a_chat_whose_message_hangs_holds_up_no_other_chat(tmp_path):
    """The Bot API hangs on one chat's message: the background loop still sends the others'."""
    released = asyncio.Event()
    telegram = Telegram()

    async def send(payload):
        if payload["chat_id"] == 1:
            await released.wait()  # a call Telegram never answers (until the end of the test)
        await telegram.send(payload)

    outbox = Outbox(f"sqlite:///{tmp_path / 'outbox.db'}")
    outbox.put("1", texts("hung"))
    outbox.put("2", [{"chat_id": 2, "text": "EMERGENCY for someone else"}], urgent=True)
    delivery = Delivery(outbox, send)
    loop = asyncio.ensure_future(delivery.run_forever(every_s=0.05))
    try:
        for _ in range(40):
            if telegram.taken:
                break
            await asyncio.sleep(0.05)
        assert telegram.taken == ["EMERGENCY for someone else"], "one chat after the other: the hung call held it"
        released.set()
        for _ in range(40):
            if len(telegram.taken) == 2:
                break
            await asyncio.sleep(0.05)
        assert telegram.taken[1] == "hung" and outbox.waiting() == 0
    finally:
        loop.cancel()
        await delivery.stop()


def test_one_call_ends_before_the_lease_of_its_message_runs_out():
    """Else a second sender could take a message still being sent: sent twice, or out of order."""
    assert CALL_TIMEOUT_S < LEASE_S


def test_only_one_sender_holds_a_chats_first_message(outbox):
    outbox.put("1", texts("a", "b"))
    first, second = outbox.claim("1"), outbox.claim("1")
    assert first is not None and json.loads(json.dumps(first.payload))["text"] == "a"
    assert second is None, "the second sender may not take 'b' while 'a' is out: order would break"


def test_the_pace_allows_a_burst_in_a_chat_then_about_one_a_second():
    pacer = Pacer(global_rate=25, chat_burst=3, chat_rate=1)
    assert [pacer.wait_for("c", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert 0.9 < pacer.wait_for("c", now=0.0) <= 1.0
    assert pacer.wait_for("another chat", now=0.0) == 0.0
    assert pacer.wait_for("c", now=1.0) == 0.0


def test_the_pace_across_chats_stays_under_the_global_rate():
    pacer = Pacer(global_rate=30, chat_burst=5, chat_rate=1)
    sent = sum(pacer.wait_for(f"chat{i}", now=0.0) == 0.0 for i in range(100))
    assert sent == 30
