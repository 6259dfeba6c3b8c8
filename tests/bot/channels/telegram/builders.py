"""Telegram updates as the Bot API sends them, for the tests of the channel's modules."""

from typing import Any, Dict

SECRET = "s3cret_-Token"
CHAT = 4242


def update(**body: Any) -> Dict[str, Any]:
    return {"update_id": 7, **body}


def message(**body: Any) -> Dict[str, Any]:
    return {"message_id": 11, "date": 0, "chat": {"id": CHAT, "type": "private"}, "from": {"id": 99}, **body}
