"""The Telegram channel's settings: environment variables, overridden by credentials.yml keys.

Its own module so that the channel and `python -m bot.cli.telegram_webhook` read the same settings
the same way, and so the rule that the channel never runs without a valid secret is in one place.
"""

import logging
import os
import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Text

from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.telegram.org"
# Telegram's own rule for secret_token: 1-256 characters, A-Z a-z 0-9 _ -.
SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

ENV = {
    "token": "TELEGRAM_TOKEN",
    "webhook_secret": "TELEGRAM_WEBHOOK_SECRET",
    "api_base_url": "TELEGRAM_API_BASE_URL",
    "webhook_url": "TELEGRAM_WEBHOOK_URL",
    "set_webhook_on_start": "TELEGRAM_SET_WEBHOOK_ON_START",
    "dedup_redis_url": "TELEGRAM_DEDUP_REDIS_URL",
}
TRUE, FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class TelegramSettings:
    """Where the Bot API is, the bot's token, and the webhook it answers on."""

    token: Optional[Text] = None
    webhook_secret: Optional[Text] = None
    api_base_url: Text = DEFAULT_API_BASE_URL
    webhook_url: Optional[Text] = None
    set_webhook_on_start: bool = False
    # Several Rasa processes behind one webhook share the record of answered updates in Redis.
    dedup_redis_url: Optional[Text] = None

    @classmethod
    def load(
        cls, overrides: Optional[Mapping[Text, Any]] = None, env: Optional[Mapping[Text, Text]] = None
    ) -> "TelegramSettings":
        """Environment variables, overridden by the (non-empty) credentials.yml values."""
        env = os.environ if env is None else env
        overrides = overrides or {}
        unknown = set(overrides) - set(ENV)
        if unknown:
            raise RasaException(f"Unknown Telegram credentials {sorted(unknown)}; allowed: {sorted(ENV)}")
        values = {key: env.get(var) for key, var in ENV.items()}
        values.update({key: value for key, value in overrides.items() if value is not None and value != ""})
        return cls(
            token=_text(values["token"]),
            webhook_secret=_text(values["webhook_secret"]),
            api_base_url=(_text(values["api_base_url"]) or DEFAULT_API_BASE_URL).rstrip("/"),
            webhook_url=_text(values["webhook_url"]),
            set_webhook_on_start=_flag(values["set_webhook_on_start"]),
            dedup_redis_url=_text(values["dedup_redis_url"]),
        )

    def problem(self) -> Optional[Text]:
        """Why the channel cannot run (None when it can): it never runs without the secret."""
        if not self.token:
            return "TELEGRAM_TOKEN is not set"
        if not self.webhook_secret:
            return "TELEGRAM_WEBHOOK_SECRET is not set"
        if not SECRET_FORMAT.match(self.webhook_secret):
            return "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
        if not self.api_base_url.startswith(("https://", "http://")):
            return "TELEGRAM_API_BASE_URL must start with https:// (or http:// for a local Bot API server)"
        return None


def _text(value: Any) -> Optional[Text]:
    if value is None:
        return None
    return str(value).strip() or None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text not in TRUE | FALSE:
        logger.warning("TELEGRAM_SET_WEBHOOK_ON_START=%r is not true/false: taken as false", value)
    return text in TRUE
