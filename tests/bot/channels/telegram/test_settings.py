"""The channel's settings: the environment, credentials.yml over it, and when the channel may not run."""

import pytest
from rasa.shared.exceptions import RasaException

from bot.channels.telegram.settings import DEFAULT_API_BASE_URL, TelegramSettings


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
