"""Register, remove or show the Telegram webhook, as an explicit step rather than at server start.

    python -m bot.cli.telegram_webhook set [--url URL] [--drop-pending-updates]
    python -m bot.cli.telegram_webhook info
    python -m bot.cli.telegram_webhook delete [--drop-pending-updates]

Reads TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_WEBHOOK_URL and TELEGRAM_API_BASE_URL
(README.md, "Telegram"). `set` registers the secret and the update types the channel handles,
so Telegram sends the secret header with every update. Prints Telegram's answer as JSON; exit
code 1 when Telegram refused or could not be reached.
"""

import argparse
import asyncio
import dataclasses
import json
import sys
from typing import Any, Optional, Sequence

from bot.channels.telegram import BotApi, TelegramApiError, TelegramSettings, set_webhook


async def run(command: str, settings: TelegramSettings, drop_pending_updates: bool) -> Any:
    """One Bot API call; the HTTP session lives and dies inside this event loop."""
    api = BotApi(str(settings.token), settings.api_base_url)
    try:
        if command == "set":
            return await set_webhook(api, settings, drop_pending_updates)
        if command == "delete":
            return await api.call("deleteWebhook", {"drop_pending_updates": drop_pending_updates})
        return await api.call("getWebhookInfo")
    finally:
        await api.close()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.cli.telegram_webhook", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["set", "delete", "info"])
    parser.add_argument(
        "--url", help="public https address of /webhooks/telegram/webhook (default TELEGRAM_WEBHOOK_URL)"
    )
    parser.add_argument("--drop-pending-updates", action="store_true", help="discard updates Telegram still holds")
    args = parser.parse_args(argv)
    settings = TelegramSettings.load()
    if args.url:
        settings = dataclasses.replace(settings, webhook_url=args.url)
    if not settings.token:
        print("TELEGRAM_TOKEN is not set", file=sys.stderr)
        return 1
    try:
        result = asyncio.run(run(args.command, settings, args.drop_pending_updates))
    except (TelegramApiError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
