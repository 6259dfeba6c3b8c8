"""The channel without a Rasa server: the secret, and one webhook request at a time against a
recording Bot API (a button of an earlier question, groups, malformed updates, failing turns)."""

import asyncio
import json
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.guard import response_text
from bot.channels.telegram import channel as channel_module
from bot.channels.telegram.api import BotApi, TelegramApiError
from bot.channels.telegram.channel import (
    ATTACHMENT_NOTE,
    NOT_CONFIGURED,
    NOT_TEXT_REPLY,
    TelegramInput,
    secret_matches,
)
from bot.channels.telegram.dedup import RecentUpdates, SharedRecentUpdates
from bot.channels.telegram.outbox import Outbox
from bot.channels.telegram.settings import TelegramSettings
from tests.bot.channels.telegram.builders import CHAT, SECRET, message, update

# ---------------------------------------------------------------- secret and de-duplication


@pytest.mark.parametrize(
    "received, ok",
    [(SECRET, True), (None, False), ("", False), ("s3cret_-Tokem", False), (SECRET + "x", False), ("sécret", False)],
)
def test_secret_check(received, ok):
    assert secret_matches(SECRET, received) is ok


def test_the_channel_uses_redis_for_updates_only_when_told():
    env = {"TELEGRAM_TOKEN": "123:abc", "TELEGRAM_WEBHOOK_SECRET": SECRET}
    assert isinstance(TelegramInput(TelegramSettings.load({}, env)).recent, RecentUpdates)
    shared = {**env, "TELEGRAM_DEDUP_REDIS_URL": "redis://127.0.0.1:6379/4"}
    assert isinstance(TelegramInput(TelegramSettings.load({}, shared)).recent, SharedRecentUpdates)


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


class HangingApi(RecordingApi):
    """A Bot API that takes these methods' calls and answers none of them until `released` is set."""

    def __init__(self, hanging: Tuple[str, ...]) -> None:
        super().__init__()
        self.hanging = hanging
        self.released = asyncio.Event()

    async def call(self, method: str, payload: Optional[Dict[str, Any]] = None) -> Any:
        if method in self.hanging:
            await self.released.wait()
        return await super().call(method, payload)


async def wait_until(check, seconds: float = 3.0) -> bool:
    for _ in range(int(seconds / 0.02)):
        if check():
            return True
        await asyncio.sleep(0.02)
    return check()


async def test_a_hung_bot_api_does_not_hold_the_webhook_and_the_reply_leaves_when_it_answers(monkeypatch):
    monkeypatch.setattr(channel_module, "SEND_WAIT_S", 0.2)
    api = HangingApi(("sendMessage",))
    handling = channel(api)
    started = asyncio.get_running_loop().time()
    result = await handling.handle_request(SECRET, body(update(message=message(text="I see bugs"))), FakeBot())
    assert result == (200, "ok") and asyncio.get_running_loop().time() - started < 1.5
    assert api.texts() == [], "nothing was taken yet"
    api.released.set()
    assert await wait_until(lambda: api.texts() == ["Hello."]), api.calls


async def test_a_hung_answer_to_a_button_press_does_not_hold_the_turn():
    """The spinner's answer hangs: the pressed button's text still goes to Rasa and the reply out."""
    api, bot = HangingApi(("answerCallbackQuery",)), FakeBot()
    query = {"id": "cb1", "from": {"id": 99}, "data": "yes", "message": message(text="Is any of these happening?")}
    result = await asyncio.wait_for(channel(api).handle_request(SECRET, body(update(callback_query=query)), bot), 5)
    assert result == (200, "ok") and bot.received[0].text == "yes" and api.texts() == ["Hello."]
    api.released.set()
    assert await wait_until(lambda: any(m == "answerCallbackQuery" for m, _ in api.calls))


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
