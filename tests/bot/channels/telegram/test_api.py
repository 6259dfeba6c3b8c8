"""The Bot API client and the webhook's registration, against the fake Telegram API."""

import pytest

from bot.channels.telegram.api import ALLOWED_UPDATES, BotApi, TelegramApiError, set_webhook
from bot.channels.telegram.settings import TelegramSettings
from tests.bot.channels.telegram.builders import CHAT, SECRET
from tests.e2e.fake_telegram import FakeTelegram


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
