"""The Telegram channel without a Rasa server: configuration, secret, idempotence, splitting, parsing,
and one webhook request at a time against a recording Bot API (or the fake one, for the client)."""

import asyncio
import json
from typing import Any, Dict, List, Optional, Tuple

import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import RasaException

from bot.channels.guard import response_text
from bot.channels.telegram import (
    ALLOWED_UPDATES,
    ATTACHMENT_NOTE,
    CALLBACK_DATA_LIMIT,
    DEFAULT_API_BASE_URL,
    NOT_CONFIGURED,
    NOT_TEXT_REPLY,
    BotApi,
    RecentUpdates,
    TelegramApiError,
    TelegramInput,
    TelegramSettings,
    inline_keyboard,
    parse_update,
    rasa_texts,
    secret_matches,
    set_webhook,
    split_message,
)
from bot.paths import PROJECT_ROOT
from tests.e2e.fake_telegram import FakeTelegram

SECRET = "s3cret_-Token"
CHAT = 4242


# ---------------------------------------------------------------- configuration


def test_settings_come_from_the_environment_and_credentials_override_them():
    env = {
        "TELEGRAM_TOKEN": "1:env",
        "TELEGRAM_WEBHOOK_SECRET": "envsecret",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/",
        "TELEGRAM_WEBHOOK_URL": "https://bot.example/webhooks/telegram/webhook",
        "TELEGRAM_SET_WEBHOOK_ON_START": "true",
    }
    settings = TelegramSettings.load({"webhook_secret": "fromfile", "token": None}, env)
    assert settings == TelegramSettings(
        token="1:env",
        webhook_secret="fromfile",
        api_base_url="http://127.0.0.1:8081",
        webhook_url="https://bot.example/webhooks/telegram/webhook",
        set_webhook_on_start=True,
    )
    assert settings.problem() is None


def test_defaults_are_telegrams_api_and_no_webhook_registration_at_start():
    settings = TelegramSettings.load(None, {"TELEGRAM_TOKEN": "1:x", "TELEGRAM_WEBHOOK_SECRET": "abc"})
    assert settings.api_base_url == DEFAULT_API_BASE_URL == "https://api.telegram.org"
    assert settings.set_webhook_on_start is False


def test_an_unknown_credentials_key_is_an_error():
    with pytest.raises(RasaException, match="access_token"):
        TelegramSettings.load({"access_token": "1:x"}, {})


@pytest.mark.parametrize(
    "env, problem",
    [
        ({}, "TELEGRAM_TOKEN"),
        ({"TELEGRAM_TOKEN": "1:x"}, "TELEGRAM_WEBHOOK_SECRET is not set"),
        ({"TELEGRAM_TOKEN": "1:x", "TELEGRAM_WEBHOOK_SECRET": "has space"}, "A-Z"),
        ({"TELEGRAM_TOKEN": "1:x", "TELEGRAM_WEBHOOK_SECRET": "x" * 257}, "A-Z"),
        (
            {"TELEGRAM_TOKEN": "1:x", "TELEGRAM_WEBHOOK_SECRET": "ok", "TELEGRAM_API_BASE_URL": "api.telegram.org"},
            "https",
        ),
    ],
)
def test_the_channel_never_runs_without_token_and_a_valid_secret(env, problem):
    assert problem in TelegramSettings.load(None, env).problem()


# ---------------------------------------------------------------- secret and idempotence


@pytest.mark.parametrize(
    "received, ok",
    [(SECRET, True), (None, False), ("", False), ("s3cret_-Tokem", False), (SECRET + "x", False), ("sécret", False)],
)
def test_secret_check(received, ok):
    assert secret_matches(SECRET, received) is ok


async def test_recent_updates_answer_each_update_once_and_forget_the_oldest():
    recent = RecentUpdates(size=3)
    assert [await recent.first_time(i) for i in (1, 2, 1, 3, 2)] == [True, True, False, True, False]
    assert await recent.first_time(4)  # 1 was used least recently and is forgotten
    assert await recent.first_time(1)
    assert not await recent.first_time(4)


async def test_shared_recent_updates_answer_an_update_once_across_processes():
    """Two channel instances (two Rasa processes) on this machine's Redis: one answer per update."""
    import uuid

    from bot.channels.telegram import SharedRecentUpdates

    prefix = f"test:telegram:{uuid.uuid4().hex[:8]}:"
    first = SharedRecentUpdates("redis://127.0.0.1:6379/4", ttl_s=60, key_prefix=prefix)
    second = SharedRecentUpdates("redis://127.0.0.1:6379/4", ttl_s=60, key_prefix=prefix)
    assert await first.first_time(7) is True
    assert await second.first_time(7) is False
    assert await second.first_time(8) is True
    stores = [first, second]
    # the same re-delivered update, at once, everywhere
    answers = await asyncio.gather(*(stores[i % 2].first_time(9) for i in range(16)))
    assert answers.count(True) == 1


async def test_shared_recent_updates_answer_when_redis_is_unreachable(caplog):
    from bot.channels.telegram import SharedRecentUpdates

    down = SharedRecentUpdates("redis://127.0.0.1:1/0")
    assert await down.first_time(7) is True
    assert await down.first_time(7) is True  # cannot tell: answering twice beats not answering
    assert "unreachable" in caplog.text


async def test_a_hung_redis_costs_an_update_at_most_a_second():
    """A Redis that accepts connections but never answers (as a stopped one does)."""
    import socket
    import time

    from bot.channels.telegram import SharedRecentUpdates

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        hung = SharedRecentUpdates(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        started = time.monotonic()
        assert await hung.first_time(7) is True
        assert time.monotonic() - started < 1.5


def test_the_channel_uses_redis_for_updates_only_when_told():
    from bot.channels.telegram import SharedRecentUpdates

    env = {"TELEGRAM_TOKEN": "123:abc", "TELEGRAM_WEBHOOK_SECRET": SECRET}
    assert isinstance(TelegramInput(TelegramSettings.load({}, env)).recent, RecentUpdates)
    shared = {**env, "TELEGRAM_DEDUP_REDIS_URL": "redis://127.0.0.1:6379/4"}
    assert isinstance(TelegramInput(TelegramSettings.load({}, shared)).recent, SharedRecentUpdates)


# ---------------------------------------------------------------- splitting


def test_a_short_message_is_one_part():
    assert split_message("  Hello.  ") == ["Hello."]
    assert split_message("x" * 4096) == ["x" * 4096]
    assert split_message("") == []


def test_a_long_message_is_cut_at_the_last_paragraph_that_fits():
    first, second = "a" * 3000, "b " * 1000
    assert split_message(f"{first}\n\n{second}") == [first, second.strip()]


def test_without_paragraphs_it_is_cut_at_a_space():
    words = " ".join(["word"] * 2000)  # 9999 characters
    parts = split_message(words)
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert all(set(p.split(" ")) == {"word"} for p in parts)  # no word is cut
    assert " ".join(parts) == words


def test_a_text_without_spaces_is_cut_hard():
    assert [len(p) for p in split_message("x" * 9000)] == [4096, 4096, 808]


def test_the_limit_counts_utf16_units_as_telegram_does():
    parts = split_message("😀" * 2049)  # each emoji is 2 units: 4098 in all
    assert [len(p) for p in parts] == [2048, 1]


# ---------------------------------------------------------------- parsing


def update(**body: Any) -> Dict[str, Any]:
    return {"update_id": 7, **body}


def message(**body: Any) -> Dict[str, Any]:
    return {"message_id": 11, "date": 0, "chat": {"id": CHAT, "type": "private"}, "from": {"id": 99}, **body}


@pytest.mark.parametrize(
    "text, sent",
    [
        ("I see bugs", ("I see bugs",)),
        ("/start", ("hi",)),
        ("/start deep-link-payload", ("hi",)),
        ("/help@baclofen_bot", ("what can you do",)),
        ("/HELP", ("what can you do",)),
        ("/restart", ("start again",)),
        ('/red_flag{"symptom": "fever"}', ('red_flag{"symptom": "fever"}',)),
        ("/ /greet", ("greet",)),
        ("//fever", ("fever",)),
        ("/", ()),
        ("   ", ()),
    ],
)
def test_commands_are_mapped_and_no_intent_syntax_reaches_rasa(text, sent):
    assert rasa_texts(text) == sent


def test_a_text_message():
    incoming = parse_update(update(message=message(text="I stopped baclofen")))
    assert (incoming.kind, incoming.chat_id, incoming.texts) == ("text", CHAT, ("I stopped baclofen",))
    assert incoming.metadata == {"telegram": {"update_id": 7, "message_id": 11, "user_id": 99}}


def test_a_button_press():
    query = {"id": "cb1", "from": {"id": 99}, "data": "tablets", "message": message(text="How is it taken?")}
    incoming = parse_update(update(callback_query=query))
    assert (incoming.kind, incoming.chat_id, incoming.texts, incoming.callback_query_id) == (
        "callback",
        CHAT,
        ("tablets",),
        "cb1",
    )


@pytest.mark.parametrize(
    "content",
    [
        {"sticker": {"file_id": "s", "emoji": "👍"}},
        {"photo": [{"file_id": "p", "width": 90, "height": 90}]},
        {"voice": {"file_id": "v", "duration": 3}},
        {"location": {"latitude": 1.0, "longitude": 2.0}},
        {"new_chat_title": "anything without text"},
    ],
)
def test_updates_without_text_are_unsupported_not_ignored(content):
    incoming = parse_update(update(message=message(**content)))
    assert (incoming.kind, incoming.chat_id, incoming.texts) == ("unsupported", CHAT, ())


def test_a_caption_is_read_and_the_attachment_noted():
    incoming = parse_update(update(message=message(photo=[{"file_id": "p"}], caption="my rash since stopping")))
    assert (incoming.kind, incoming.texts, incoming.attachment) == ("text", ("my rash since stopping",), True)


def test_an_edited_message_is_read_as_a_new_message():
    incoming = parse_update(update(edited_message=message(text="and now I see bugs", edit_date=1)))
    assert (incoming.kind, incoming.texts) == ("text", ("and now I see bugs",))
    assert incoming.metadata["telegram"]["edited"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"my_chat_member": {"chat": {"id": CHAT}}},
        {"message": message(text="hi", **{"from": {"id": 1, "is_bot": True}})},
    ],
)
def test_updates_that_no_person_sent_to_the_bot_are_ignored(body):
    assert parse_update(update(**body)).kind == "ignored"


# ---------------------------------------------------------------- buttons


def test_buttons_become_an_inline_keyboard_one_per_row():
    keyboard = inline_keyboard(
        [{"title": "Tablets or liquid", "payload": "tablets"}, {"title": "x", "payload": "y" * 65}]
    )
    assert keyboard == {"inline_keyboard": [[{"text": "Tablets or liquid", "callback_data": "tablets"}]]}


def test_every_button_payload_of_the_domain_fits_telegrams_callback_data():
    responses = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["responses"]
    payloads = [b["payload"] for variants in responses.values() for v in variants for b in v.get("buttons", [])]
    assert payloads and all(0 < len(p.encode("utf-8")) <= CALLBACK_DATA_LIMIT for p in payloads)
    assert not any(p.startswith("/") for p in payloads)  # they are sent to Rasa as plain text


# ---------------------------------------------------------------- one webhook request


class RecordingApi:
    """Stands in for BotApi: records calls, and fails the methods it is told to."""

    def __init__(self, failing: Tuple[str, ...] = ()) -> None:
        self.calls: List[Tuple[str, Dict[str, Any]]] = []
        self.failing = list(failing)

    async def call(self, method: str, payload: Optional[Dict[str, Any]] = None) -> Any:
        self.calls.append((method, payload or {}))
        if method in self.failing:
            self.failing.remove(method)
            raise TelegramApiError(method, "Bad Request", 400)
        if method == "sendMessage":
            return {"message_id": 500 + len(self.calls), "chat": {"id": (payload or {}).get("chat_id")}}
        return True

    async def close(self) -> None:
        pass

    def texts(self) -> List[str]:
        return [p["text"] for m, p in self.calls if m == "sendMessage"]


EMERGENCY = "EMERGENCY: call 911 now, or ask someone to call for you."


class FakeBot:
    """Stands in for Rasa's handler: replies as Rasa's processor does, one send_response per bot message."""

    def __init__(self, replies: Optional[List[Dict[str, Any]]] = None, error: bool = False) -> None:
        self.received: List[UserMessage] = []
        self.replies = replies if replies is not None else [{"text": "Hello."}]
        self.error = error

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        await asyncio.sleep(0.01)  # a real turn awaits; lets concurrent requests interleave
        for reply in self.replies:
            await message.output_channel.send_response(message.sender_id, dict(reply))
        if self.error:
            raise RuntimeError("boom")


def channel(api: Optional[RecordingApi] = None) -> TelegramInput:
    """A configured channel with an outbox of its own (an in-memory SQLite database)."""
    from bot.channels.telegram_outbox import Outbox

    settings = TelegramSettings(token="1:t", webhook_secret=SECRET)
    return TelegramInput(settings, api=api or RecordingApi(), outbox=Outbox("sqlite://"))


def body(payload: Dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


async def test_without_a_token_the_webhook_answers_503_and_does_nothing(monkeypatch):
    for var in ("TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET"):
        monkeypatch.delenv(var, raising=False)
    unconfigured = TelegramInput.from_credentials(None)
    bot = FakeBot()
    result = await unconfigured.handle_request(SECRET, body(update(message=message(text="hi"))), bot)
    assert result == (503, NOT_CONFIGURED) == (503, "Telegram is not configured")
    assert bot.received == [] and unconfigured.get_output_channel() is None
    assert unconfigured.blueprint(bot).name == "telegram_secure_webhook"


@pytest.mark.parametrize("secret", [None, "", "wrong"])
async def test_a_request_without_the_secret_gets_403_and_is_not_processed(secret):
    api, bot = RecordingApi(), FakeBot()
    result = await channel(api).handle_request(secret, body(update(message=message(text="hi"))), bot)
    assert result[0] == 403
    assert bot.received == [] and api.calls == []


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1]", b'{"update_id": "7"}'])
async def test_a_body_that_is_not_an_update_gets_400(raw):
    assert (await channel().handle_request(SECRET, raw, FakeBot()))[0] == 400


async def test_a_text_goes_to_rasa_as_the_telegram_conversation_of_the_chat_and_the_replies_to_telegram():
    api = RecordingApi()
    bot = FakeBot(
        [
            {"text": f"{EMERGENCY}\n\nDo not drive yourself.", "custom": {"triage": {"level": "emergency"}}},
            {"text": "How is it taken?", "buttons": [{"title": "Pump", "payload": "pump"}]},
        ]
    )
    result = await channel(api).handle_request(SECRET, body(update(message=message(text="I see bugs"))), bot)
    assert result == (200, "ok")
    (received,) = bot.received
    assert (received.text, received.sender_id, received.input_channel) == ("I see bugs", f"telegram:{CHAT}", "telegram")
    assert received.metadata["telegram"]["user_id"] == 99
    assert api.texts() == [EMERGENCY, "Do not drive yourself.", "How is it taken?"]
    assert all(str(p["chat_id"]) == str(CHAT) and "parse_mode" not in p for _, p in api.calls)
    assert api.calls[-1][1]["reply_markup"] == {"inline_keyboard": [[{"text": "Pump", "callback_data": "pump"}]]}
    assert "triage" not in json.dumps(api.calls)  # custom payloads are not sent


async def test_the_same_update_twice_even_at_once_is_answered_once():
    api, bot = RecordingApi(), FakeBot()
    raw = body(update(message=message(text="hello")))
    handling = channel(api)
    results = await asyncio.gather(*(handling.handle_request(SECRET, raw, bot) for _ in range(3)))
    assert [status for status, _ in results] == [200, 200, 200]
    assert len(bot.received) == 1 and api.texts() == ["Hello."]


async def test_a_button_press_is_answered_and_its_data_sent_as_the_text():
    api, bot = RecordingApi(), FakeBot()
    query = {"id": "cb1", "from": {"id": 99}, "data": "tablets", "message": message(text="How is it taken?")}
    await channel(api).handle_request(SECRET, body(update(callback_query=query)), bot)
    assert api.calls[0] == ("answerCallbackQuery", {"callback_query_id": "cb1"})
    assert bot.received[0].text == "tablets" and api.texts() == ["Hello."]


async def test_restart_is_sent_as_words_never_as_an_intent_shortcut():
    api, bot = RecordingApi(), FakeBot()
    await channel(api).handle_request(SECRET, body(update(message=message(text="/restart"))), bot)
    assert [m.text for m in bot.received] == ["start again"] and api.texts() == ["Hello."]


async def test_a_sticker_gets_the_polite_answer_and_rasa_is_not_asked():
    api, bot = RecordingApi(), FakeBot()
    await channel(api).handle_request(SECRET, body(update(message=message(sticker={"file_id": "s"}))), bot)
    assert bot.received == [] and api.texts() == [NOT_TEXT_REPLY]
    assert NOT_TEXT_REPLY.startswith("Sorry, I can only read text messages")


async def test_a_captioned_photo_is_answered_then_the_attachment_noted():
    api, bot = RecordingApi(), FakeBot([{"text": EMERGENCY}])
    photo = message(photo=[{"file_id": "p"}], caption="seeing bugs")
    await channel(api).handle_request(SECRET, body(update(message=photo)), bot)
    assert api.texts() == [EMERGENCY, ATTACHMENT_NOTE]


GUARD_APOLOGY = response_text(None, "utter_service_trouble")


async def test_a_failing_turn_sends_what_was_said_then_an_apology_and_still_answers_200(caplog):
    api, bot = RecordingApi(), FakeBot([{"text": EMERGENCY}], error=True)
    result = await channel(api).handle_request(SECRET, body(update(message=message(text="bugs"))), bot)
    assert result == (200, "ok")
    assert api.texts() == [EMERGENCY, GUARD_APOLOGY]
    assert "handling a message failed" in caplog.text


async def test_a_turn_without_any_reply_gets_the_apology():
    api = RecordingApi()
    await channel(api).handle_request(SECRET, body(update(message=message(text="hi"))), FakeBot([]))
    assert api.texts() == [GUARD_APOLOGY]


async def test_a_silent_turn_with_a_red_flag_gets_the_emergency_advice():
    api = RecordingApi()
    text = "i stopped baclofen and now i see bugs on the walls"
    await channel(api).handle_request(SECRET, body(update(message=message(text=text))), FakeBot([]))
    assert api.texts()[0].startswith("EMERGENCY: call 911")


async def test_a_reply_telegram_can_never_take_is_dropped_with_an_error_and_the_others_still_go(caplog):
    api = RecordingApi(failing=("sendMessage",))  # a 400: Telegram will never take this message
    bot = FakeBot([{"text": "first"}, {"text": "second"}])
    await channel(api).handle_request(SECRET, body(update(message=message(text="hi"))), bot)
    assert api.texts() == ["first", "second"]
    assert "can never take this message" in caplog.text


async def test_a_long_reply_is_split():
    api = RecordingApi()
    await channel(api).handle_request(
        SECRET, body(update(message=message(text="hi"))), FakeBot([{"text": "w " * 3000}])
    )
    assert len(api.texts()) == 2 and all(len(t) <= 4096 for t in api.texts())


# ---------------------------------------------------------------- the Bot API client (fake Telegram API)


@pytest.fixture()
def fake_api():
    with FakeTelegram() as fake:
        yield fake


async def test_the_client_calls_base_url_bot_token_method_and_retries_server_errors(fake_api):
    api = BotApi(fake_api.token, fake_api.base_url)
    fake_api.fail("sendMessage", times=1, status=500)
    fake_api.fail("answerCallbackQuery", times=1, status=429)
    try:
        result = await api.call("sendMessage", {"chat_id": CHAT, "text": "hi"})
        assert await api.call("answerCallbackQuery", {"callback_query_id": "x"}) is True
    finally:
        await api.close()
    assert result["text"] == "hi"
    assert len(fake_api.calls("sendMessage")) == 2 and len(fake_api.calls("answerCallbackQuery")) == 2


async def test_the_client_does_not_retry_a_refusal_and_never_shows_the_token(fake_api):
    fake_api.fail("sendMessage", times=1, status=400)
    api = BotApi(fake_api.token, fake_api.base_url)
    try:
        with pytest.raises(TelegramApiError) as refused:
            await api.call("sendMessage", {"chat_id": CHAT, "text": "hi"})
    finally:
        await api.close()
    assert refused.value.error_code == 400 and len(fake_api.calls("sendMessage")) == 1
    unreachable = BotApi(fake_api.token, "http://127.0.0.1:1", attempts=1)
    with pytest.raises(TelegramApiError) as down:
        await unreachable.call("getMe")
    await unreachable.close()
    assert fake_api.token not in str(refused.value) + str(down.value)


async def test_set_webhook_sends_the_secret_and_the_allowed_updates(fake_api):
    settings = TelegramSettings(
        token=fake_api.token, webhook_secret=SECRET, api_base_url=fake_api.base_url, webhook_url="https://x/y"
    )
    api = BotApi(fake_api.token, fake_api.base_url)
    try:
        await set_webhook(api, settings)
    finally:
        await api.close()
    (call,) = fake_api.calls("setWebhook")
    assert call.payload == {
        "url": "https://x/y",
        "secret_token": SECRET,
        "allowed_updates": ALLOWED_UPDATES,
        "drop_pending_updates": False,
    }


async def test_a_webhook_registration_that_fails_is_logged_and_does_not_raise(caplog):
    settings = TelegramSettings(
        token="1:t", webhook_secret=SECRET, api_base_url="http://127.0.0.1:1", webhook_url="https://x/y"
    )
    api = BotApi("1:t", "http://127.0.0.1:1", attempts=1)
    try:
        assert await TelegramInput(settings, api=api).register_webhook() is False
    finally:
        await api.close()
    assert "Telegram webhook not registered" in caplog.text and "1:t" not in caplog.text
    without_url = TelegramInput(TelegramSettings(token="1:t", webhook_secret=SECRET), api=RecordingApi())
    assert await without_url.register_webhook() is False
    assert "TELEGRAM_WEBHOOK_URL" in caplog.text


def press(message_id: int, data: str, update_id: int = 8) -> Dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": {"id": 99},
            "data": data,
            "message": {"message_id": message_id, "chat": {"id": CHAT, "type": "private"}},
        },
    }


async def test_a_button_of_an_earlier_question_is_not_used_and_says_why():
    api = RecordingApi()
    telegram = channel(api)
    ask_route = FakeBot([{"text": "How is it taken?", "buttons": [{"title": "Tablets", "payload": "tablets"}]}])
    await telegram.handle_request(SECRET, body(update(message=message(text="my legs are stiff"))), ask_route)
    route_question = [p for m, p in api.calls if m == "sendMessage" and "reply_markup" in p][-1]
    route_message_id = 500 + api.calls.index(("sendMessage", route_question)) + 1
    ask_screen = FakeBot([{"text": "Is any of these happening?", "buttons": [{"title": "No", "payload": "no"}]}])
    await telegram.handle_request(SECRET, body(update(update_id=10, message=message(text="that's all"))), ask_screen)
    rasa = FakeBot([{"text": "assessed again"}])
    await telegram.handle_request(SECRET, body(press(route_message_id, "tablets")), rasa)
    assert rasa.received == [], "the old button never reached Rasa"
    assert api.texts()[-1].startswith("That button belongs to an earlier question")
    assert ("answerCallbackQuery", {"callback_query_id": "cb8"}) in api.calls


async def test_the_latest_questions_button_is_used_once():
    api = RecordingApi()
    telegram = channel(api)
    ask = FakeBot([{"text": "Is any of these happening?", "buttons": [{"title": "No", "payload": "no"}]}])
    await telegram.handle_request(SECRET, body(update(message=message(text="that's all"))), ask)
    latest = 500 + len(api.calls)
    rasa = FakeBot([{"text": "URGENT"}])
    await telegram.handle_request(SECRET, body(press(latest, "no")), rasa)
    assert [m.text for m in rasa.received] == ["no"]
    again = FakeBot([{"text": "again"}])
    await telegram.handle_request(SECRET, body(press(latest, "no", update_id=9)), again)
    assert again.received == [], "answered already"


@pytest.mark.parametrize(
    "broken",
    [
        {"update_id": 1, "message": {"chat": "x", "text": "hi"}},
        {"update_id": 2, "message": {"chat": {"id": "not a number", "type": "private"}, "text": "hi"}},
        {"update_id": 3, "message": "a string"},
        {"update_id": 4, "callback_query": ["a", "list"]},
        {"update_id": 5, "message": {"chat": {"id": 1, "type": "private"}, "from": 7, "text": "hi"}},
    ],
)
async def test_a_malformed_update_is_a_400_not_a_crash(broken):
    api = RecordingApi()
    assert await channel(api).handle_request(SECRET, body(broken), FakeBot()) == (400, "not a Telegram update")
    assert api.calls == []


async def test_json_nested_deeper_than_python_goes_is_a_400():
    deep = b'{"update_id": 1, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert await channel(RecordingApi()).handle_request(SECRET, deep, FakeBot()) == (400, "not JSON")


async def test_in_a_group_the_bot_asks_once_to_write_privately_and_gives_no_advice_there():
    api = RecordingApi()
    telegram = channel(api)
    rasa = FakeBot([{"text": "EMERGENCY"}])
    group = {"message_id": 3, "date": 0, "chat": {"id": -100, "type": "supergroup"}, "from": {"id": 99}}
    for update_id in (20, 21):
        update_body = {"update_id": update_id, "message": {**group, "text": "my dad is seeing things"}}
        assert await telegram.handle_request(SECRET, body(update_body), rasa) == (200, "ok")
    assert rasa.received == [], "nothing said in a group reaches the assessment"
    sent = [p for m, p in api.calls if m == "sendMessage"]
    assert len(sent) == 1 and sent[0]["chat_id"] == -100 and "private chat" in sent[0]["text"]
