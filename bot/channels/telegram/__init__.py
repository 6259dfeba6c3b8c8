"""The Telegram channel: a webhook that only Telegram can call, and replies that always arrive.

Rasa 3.6's own Telegram connector (rasa/core/channels/telegram.py) is not used because it
accepts any POST as genuine (no `X-Telegram-Bot-Api-Secret-Token` check), calls `getMe` on every
update, hard-codes api.telegram.org, must reach Telegram at start-up to set the webhook, and
swallows or re-raises errors so the person gets no answer. It also runs on aiogram 2.15, whose
`set_webhook` has no `secret_token`. This channel speaks the Bot API directly over aiohttp:

- every update must carry the webhook secret (constant-time compare), otherwise 403;
- a re-delivered update (same `update_id`) is answered once;
- the only Telegram calls while an update is handled are the replies (and answering a button
  press); the webhook is registered by `python -m bot.cli.telegram_webhook set` or, if
  TELEGRAM_SET_WEBHOOK_ON_START is true, once the server runs (a failure is logged, not fatal);
- Rasa's replies are collected first, then sent in order: the emergency advice comes first,
  custom payloads are not sent, long texts are split at 4096 characters, buttons become an
  inline keyboard, and a turn that fails or yields nothing ends with an apology.

Configuration: environment variables (README.md, "Telegram"), overridden by credentials.yml keys.

One module per job: `settings.py` (configuration), `api.py` (the Bot API client, setWebhook),
`dedup.py` (re-delivered updates), `updates.py` (reading an update), `messages.py` (replies as
sendMessage payloads), `outbox.py` (replies that are never lost, paced), `channel.py` (the webhook
and the output channel). What the channel says in its own words is in
bot/knowledge/channel_texts.yml. This package exports what other code uses, so credentials.yml
names the channel `bot.channels.telegram.TelegramInput`.
"""

from bot.channels.telegram.api import ALLOWED_UPDATES, BotApi, TelegramApiError, set_webhook
from bot.channels.telegram.channel import NOT_TEXT_REPLY, SECRET_HEADER, TelegramInput, TelegramOutput
from bot.channels.telegram.settings import TelegramSettings

__all__ = [
    "ALLOWED_UPDATES",
    "NOT_TEXT_REPLY",
    "SECRET_HEADER",
    "BotApi",
    "TelegramApiError",
    "TelegramInput",
    "TelegramOutput",
    "TelegramSettings",
    "set_webhook",
]
