"""Telegram end to end, offline: updates posted to a running Rasa server's Telegram webhook, replies
read from a fake Bot API on 127.0.0.1 (tests/e2e/fake_telegram.py)."""

import itertools
import os
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
import requests

from bot import harness
from bot.channels.telegram import ALLOWED_UPDATES, NOT_TEXT_REPLY, SECRET_HEADER
from tests.e2e.conftest import LOGS, MODEL, export_transcript, free_port, sqlite_store
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.tcp_proxy import TcpProxy

pytestmark = pytest.mark.e2e

SECRET = "e2e-secret_0123456789"
_update_ids = itertools.count(random.randint(10_000, 90_000) * 1000)


class TelegramBot:
    """The running bot as Telegram sees it: its webhook, and the fake API that records its replies."""

    def __init__(self, url: str, fake: FakeTelegram, proxy: TcpProxy, endpoints: Optional[Path] = None) -> None:
        self.webhook = f"{url}/webhooks/telegram/webhook"
        self.fake = fake
        self.proxy = proxy  # between the bot and the fake Bot API: a test can make it hang or starve
        self.endpoints = endpoints
        self.http = requests.Session()

    def post(self, update: Dict[str, Any], secret: Optional[str] = SECRET) -> requests.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return self.http.post(self.webhook, json=update, headers=headers, timeout=60)


def new_chat() -> int:
    return random.randint(10**8, 10**9)


def text_update(chat: int, text: str) -> Dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": random.randint(1, 10**6),
            "date": 0,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "Test"},
            "text": text,
        },
    }


@pytest.fixture(scope="module")
def telegram(tmp_path_factory) -> Iterator[TelegramBot]:
    """Action server + Rasa server with the Telegram channel pointed at the fake Bot API.

    Module-scoped so this second Rasa server is stopped before the other end-to-end modules go on.
    """
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    LOGS.mkdir(parents=True, exist_ok=True)
    rasa_port, actions_port = free_port(), free_port()
    folder = tmp_path_factory.mktemp("telegram")
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(harness.action_endpoint(actions_port) + sqlite_store(folder / "conversations.db"))
    with FakeTelegram() as fake:
        proxy = TcpProxy(fake.port)
        # The base URL comes from credentials.yml and must win over the (unreachable) environment value.
        (folder / "credentials.yml").write_text(
            f'rest:\nbot.channels.telegram.TelegramInput:\n  api_base_url: "http://{proxy.url_host}"\n'
            "bot.channels.checkins.CheckinsInput:\n"
        )
        url = f"http://127.0.0.1:{rasa_port}"
        env = {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONPATH": os.getcwd(),
            "BOT_REGION": "us",
            "TELEGRAM_TOKEN": fake.token,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9",
            "TELEGRAM_WEBHOOK_URL": f"{url}/webhooks/telegram/webhook",
            "TELEGRAM_SET_WEBHOOK_ON_START": "true",
            "CHECKIN_SECONDS_PER_HOUR": "2",  # a check-in "in 1 hour" comes after 2 s
        }
        env.pop("EMERGENCY_NUMBER", None)
        servers = harness.Servers(
            "telegram",
            env,
            LOGS,
            model=MODEL,
            endpoints=endpoints,
            credentials=folder / "credentials.yml",
            rasa_port=rasa_port,
            actions_port=actions_port,
        )
        try:
            servers.start_actions()
            servers.start_rasa()
            yield TelegramBot(url, fake, proxy, endpoints)
        finally:
            proxy.close()
            servers.stop()


def say(telegram: TelegramBot) -> Callable[[int, str], List[str]]:
    """say(chat, text) -> the texts the bot sent to that chat for this message."""

    def send(chat: int, text: str) -> List[str]:
        before = len(telegram.fake.texts(chat))
        assert telegram.post(text_update(chat, text)).status_code == 200
        return telegram.fake.texts(chat)[before:]

    return send


def test_the_webhook_is_registered_at_start_with_its_secret(telegram):
    telegram.fake.wait_for(lambda: telegram.fake.calls("setWebhook"))
    payload = telegram.fake.calls("setWebhook")[0].payload  # the first: a later test calls it again
    assert payload["url"] == telegram.webhook
    assert payload["secret_token"] == SECRET and payload["allowed_updates"] == ALLOWED_UPDATES


def test_a_red_flag_report_gets_the_emergency_advice_first_in_plain_text(telegram):
    chat = new_chat()
    texts = say(telegram)(chat, "I stopped baclofen and I'm seeing bugs on the walls")
    assert texts[0].startswith("EMERGENCY: call 911 now")
    calls = telegram.fake.calls("sendMessage", chat)
    assert all("parse_mode" not in c.payload for c in calls)
    assert not any("triage" in t or "{" in t for t in texts)  # the custom payload is not shown
    assert any("not a diagnosis" in t for t in texts)


def press(telegram: TelegramBot, chat: int, question: Dict[str, Any], data: str) -> List[str]:
    """Press the inline button `data` under `question`; the texts the bot sent in answer."""
    before = len(telegram.fake.texts(chat))
    update = {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": f"cb-{chat}-{before}",
            "from": {"id": chat, "is_bot": False, "first_name": "Test"},
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": telegram.fake.last_message_id(chat),  # the question's message, as Telegram numbers it
                "date": 0,
                "chat": {"id": chat, "type": "private"},
                "text": question["text"],
            },
        },
    }
    assert telegram.post(update).status_code == 200
    answered = [c.payload for c in telegram.fake.calls("answerCallbackQuery")]
    assert {"callback_query_id": f"cb-{chat}-{before}"} in answered
    return telegram.fake.texts(chat)[before:]


def test_a_button_press_works(telegram):
    chat = new_chat()
    say(telegram)(chat, "i ran out of baclofen on friday and my legs are stiff")
    question = telegram.fake.calls("sendMessage", chat)[-1].payload
    keyboard = question["reply_markup"]["inline_keyboard"]
    assert [row[0]["callback_data"] for row in keyboard] == ["tablets", "pump", "I don't know"]
    assert "anything else" in press(telegram, chat, question, keyboard[0][0]["callback_data"])[-1].lower()


def test_the_red_flag_screen_is_asked_with_buttons_and_a_yes_is_an_emergency(telegram):
    chat = new_chat()
    say(telegram)(chat, "i ran out of baclofen on friday and my legs are stiff")
    say(telegram)(chat, "tablets")
    texts = say(telegram)(chat, "that's all")
    assert "Is any of these happening now" in texts[-1]
    question = telegram.fake.calls("sendMessage", chat)[-1].payload
    buttons = [row[0]["text"] for row in question["reply_markup"]["inline_keyboard"]]
    assert buttons == ["Yes, one of these", "No, none of these"]
    yes = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert press(telegram, chat, question, yes)[0].startswith("EMERGENCY: call 911 now")


def test_the_emergency_advice_outlasts_flood_control_and_a_down_bot_api(telegram):
    """Telegram refuses: 429 with retry_after 6 s, then 5xx. The webhook still answers at once, and the
    advice arrives, first and whole, once Telegram takes messages again (it was lost for good before)."""
    chat = new_chat()
    telegram.fake.fail("sendMessage", times=1, status=429, retry_after=6)
    telegram.fake.fail("sendMessage", times=2, status=502)
    started = time.monotonic()
    reply = telegram.post(text_update(chat, "I stopped baclofen and I'm seeing bugs on the walls"))
    assert reply.status_code == 200 and time.monotonic() - started < 5
    telegram.fake.wait_for(lambda: any("not a diagnosis" in t for t in telegram.fake.texts(chat)), timeout=40)
    assert time.monotonic() - started >= 6, "retry_after was honoured"
    tried = list(dict.fromkeys(telegram.fake.texts(chat)))  # every call, refused ones included
    assert tried[0].startswith("EMERGENCY: call 911 now"), "the advice is always the first to go"


STIFF_LEGS = "i ran out of baclofen and my legs are stiff"


@pytest.mark.parametrize("mode", ["hang", "starve"])
def test_a_hung_or_starved_bot_api_loses_nothing_and_the_emergency_advice_goes_first(telegram, mode):
    """The Bot API stops answering (connections open, nothing comes back) or answers 64 bytes every
    half second. The webhook still answers within seconds; a starved API still takes the emergency
    advice; once the API answers again, every reply arrives: the emergency advice first and whole,
    the other person's question too."""
    chat, other = new_chat(), new_chat()
    telegram.proxy.set(mode)
    try:
        for person, text in ((chat, "I stopped baclofen and I'm seeing bugs on the walls"), (other, STIFF_LEGS)):
            started = time.monotonic()
            assert telegram.post(text_update(person, text)).status_code == 200
            # The webhook waits SEND_WAIT_S (6 s) for Telegram at most (it waited 11 s a message before).
            assert time.monotonic() - started < 9, "the webhook waited on the Bot API"
        if mode == "hang":
            time.sleep(12)  # past one call's time limit (CALL_TIMEOUT_S, 10 s)
        else:  # the emergency advice gets through while the API is still starved
            telegram.fake.wait_for(lambda: any(t.startswith("EMERGENCY") for t in telegram.fake.texts(chat)), 45)
    finally:
        telegram.proxy.set("pass")
    telegram.fake.wait_for(lambda: any("not a diagnosis" in t for t in telegram.fake.texts(chat)), timeout=60)
    telegram.fake.wait_for(lambda: any("tablets" in t.lower() for t in telegram.fake.texts(other)), timeout=60)
    received = list(dict.fromkeys(telegram.fake.texts(chat)))  # a call Telegram took late may come twice
    assert received[0].startswith("EMERGENCY: call 911 now"), received


@pytest.mark.parametrize("secret", [None, "wrong-secret"])
def test_a_forged_update_is_refused_and_nothing_is_sent(telegram, secret):
    chat = new_chat()
    reply = telegram.post(text_update(chat, "I stopped baclofen and I'm seeing bugs on the walls"), secret=secret)
    assert reply.status_code == 403
    assert telegram.fake.calls(chat_id=chat) == []


def test_a_redelivered_update_is_answered_once(telegram):
    chat = new_chat()
    update = text_update(chat, "hi")
    assert telegram.post(update).status_code == 200
    once = telegram.fake.texts(chat)
    assert once and "not a diagnosis" in once[0]
    assert telegram.post(update).status_code == 200
    assert telegram.fake.texts(chat) == once
    # the same new update delivered three times at once
    update = text_update(chat, "what can you do")
    with ThreadPoolExecutor(3) as pool:
        statuses = [r.status_code for r in pool.map(lambda _: telegram.post(update), range(3))]
    assert statuses == [200, 200, 200]
    assert len(telegram.fake.texts(chat)) == len(once) + 1


def test_a_sticker_gets_the_polite_answer(telegram):
    chat = new_chat()
    update = text_update(chat, "")
    del update["message"]["text"]
    update["message"]["sticker"] = {"file_id": "CAACAgIAAxk", "file_unique_id": "u", "width": 512, "height": 512}
    assert telegram.post(update).status_code == 200
    assert telegram.fake.texts(chat) == [NOT_TEXT_REPLY]
    assert "I can only read text messages" in NOT_TEXT_REPLY


def test_start_help_and_restart_commands(telegram):
    chat, send = new_chat(), say(telegram)
    assert "not a diagnosis" in send(chat, "/start")[0]
    assert send(chat, "/help")[0].startswith("I ask a few questions")
    send(chat, "my legs are really tight since yesterday")
    restarted = send(chat, "/restart")
    assert restarted and restarted[0].startswith("All right, let's start again")


def test_the_webhook_command_registers_with_the_secret(telegram):
    fake = telegram.fake
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhooks/telegram/webhook",
    }
    command = [sys.executable, "-m", "bot.cli.telegram_webhook"]
    done = subprocess.run([*command, "set"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    payload = fake.calls("setWebhook")[-1].payload
    assert payload["url"] == "https://bot.example.org/webhooks/telegram/webhook" and payload["secret_token"] == SECRET
    info = subprocess.run([*command, "info"], env=env, capture_output=True, text=True, timeout=60)
    assert info.returncode == 0 and "bot.example.org" in info.stdout


def test_random_updates_get_a_clear_status_never_a_crash(telegram):
    """Fuzz: wrong shapes, missing fields and odd texts, with the right secret."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.e2e.nasty import NASTY_TEXTS

    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=30),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=10), c, max_size=3),
        max_leaves=8,
    )
    count = {"n": 0}

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=json_values)
    def random_body(body):
        assert telegram.post(body).status_code in (200, 400)
        count["n"] += 1

    random_body()
    for text in NASTY_TEXTS[:15]:
        assert telegram.post(text_update(new_chat(), text)).status_code == 200
        count["n"] += 1
    assert telegram.post(text_update(new_chat(), "hello")).status_code == 200
    print(f"\ntelegram fuzz inputs run: {count['n']}")


def test_a_checkin_comes_first_and_worse_with_a_new_red_flag_gets_the_emergency_advice(telegram):
    chat = new_chat()
    for text in ("i ran out of baclofen on friday and my legs are stiff", "tablets", "that's all"):
        say(telegram)(chat, text)
    texts = say(telegram)(chat, "no, none of these")
    assert texts[0].startswith("URGENT") and "check on you" in texts[-1]
    offer = telegram.fake.calls("sendMessage", chat)[-1].payload
    choices = [row[0]["callback_data"] for row in offer["reply_markup"]["inline_keyboard"]]
    assert "check on me in 1 hour" in choices and "summary for my doctor" in choices
    before = len(telegram.fake.texts(chat))
    assert "I will check on you in 1 hour" in press(telegram, chat, offer, "check on me in 1 hour")[0]
    # The bot writes first (2 s later in this test, maybe before the press's own reply was counted).
    telegram.fake.wait_for(lambda: any("How are you now" in t for t in telegram.fake.texts(chat)[before:]), timeout=30)
    question = telegram.fake.calls("sendMessage", chat)[-1].payload
    assert [row[0]["callback_data"] for row in question["reply_markup"]["inline_keyboard"]] == [
        "better",
        "about the same",
        "worse",
    ]
    assert "Is any of these happening now" in press(telegram, chat, question, "worse")[-1]
    texts = say(telegram)(chat, "and now he is seeing bugs on the walls")
    assert texts[0].startswith("EMERGENCY: call 911 now")


def test_a_telegram_conversation_exports_as_a_transcript(telegram, tmp_path):
    chat = new_chat()
    say(telegram)(chat, "my wife is confused and talking nonsense since she ran out of baclofen")
    assert telegram.endpoints is not None
    text = export_transcript(telegram.endpoints, f"telegram:{chat}", tmp_path)
    assert "my wife is confused and talking nonsense" in text
    assert "**Triage: emergency**" in text and "confusion (present, someone else)" in text
