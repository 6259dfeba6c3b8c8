"""What a Telegram update means for the channel: `parse_update` reads it as an `Incoming`.

Pure (no I/O), and apart from the channel because an update is untrusted JSON: how each field is
read (a wrong type is a 400, never a crash), which chats get an answer and what text reaches Rasa
(commands mapped, never Rasa's "/intent" syntax) is decided, and tested, here alone.
"""

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Text, Tuple

# Telegram commands, as the texts the bot's NLU understands, sent in turn. Any other "/..." text is
# sent without its slashes, so a person can never inject Rasa's "/intent{...}" syntax. Restarting
# gives no reply of its own (the domain has no utter_restart), so the greeting follows it.
COMMANDS = {"start": ("hi",), "help": ("what can you do",), "restart": ("start again",)}
PRIVATE = "private"


def rasa_texts(text: Text) -> Tuple[Text, ...]:
    """What to send Rasa for a person's text: commands mapped, leading slashes removed."""
    text = text.strip()
    if text.startswith("/"):
        command = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
        if command in COMMANDS:
            return COMMANDS[command]
        text = re.sub(r"^[\s/]+", "", text)
    return (text,) if text else ()


@dataclass(frozen=True)
class Incoming:
    """One Telegram update, as this channel will handle it.

    kind: "text" (send `texts` to Rasa), "callback" (a button press: answer it, then as "text"),
    "unsupported" (no text: reply NOT_TEXT_REPLY), "group" (a group chat: ask once to write
    privately) or "ignored" (nothing a person sent to us).
    """

    update_id: int
    kind: Text
    chat_id: Optional[int] = None
    texts: Tuple[Text, ...] = ()
    callback_query_id: Optional[Text] = None
    attachment: bool = False
    metadata: Dict[Text, Any] = field(default_factory=dict)


def _object(value: Any, what: Text) -> Dict[Text, Any]:
    """A JSON object, {} when absent; anything else is a malformed update (TypeError -> 400)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"{what} is not an object")
    return value


def _chat_id(chat: Dict[Text, Any]) -> Optional[int]:
    chat_id = chat.get("id")
    if chat_id is not None and (not isinstance(chat_id, int) or isinstance(chat_id, bool)):
        raise TypeError("chat.id is not a number")
    return chat_id


def parse_update(update: Mapping[Text, Any]) -> Incoming:
    """Classify an update; an edited message is read as a new message (it may add a red flag).

    Raises TypeError for a field of the wrong type (the webhook answers 400). Messages from group
    chats are of kind "group": health advice is given in private chats only.
    """
    update_id = update["update_id"]
    query = update.get("callback_query")
    if query is not None:
        query = _object(query, "callback_query")
        message = _object(query.get("message"), "callback_query.message")
        user = _object(query.get("from"), "callback_query.from")
        chat = _object(message.get("chat"), "chat")
        chat_id = _chat_id(chat) or _chat_id(user)
        meta = {"update_id": update_id, "message_id": message.get("message_id"), "user_id": user.get("id")}
        if chat.get("type", PRIVATE) != PRIVATE:
            return Incoming(update_id, "group", chat_id, callback_query_id=query.get("id"), metadata={"telegram": meta})
        return Incoming(
            update_id,
            "callback",
            chat_id,
            rasa_texts(str(query.get("data") or "")),
            callback_query_id=query.get("id"),
            metadata={"telegram": meta},
        )
    key = next((k for k in ("message", "edited_message") if update.get(k) is not None), None)
    if key is None:
        return Incoming(update_id, "ignored")
    message = _object(update[key], key)
    user = _object(message.get("from"), "from")
    chat = _object(message.get("chat"), "chat")
    chat_id = _chat_id(chat)
    if chat_id is None or user.get("is_bot"):
        return Incoming(update_id, "ignored")
    meta = {"update_id": update_id, "message_id": message.get("message_id"), "user_id": user.get("id")}
    if chat.get("type", PRIVATE) != PRIVATE:
        return Incoming(update_id, "group", chat_id, metadata={"telegram": meta})
    if key == "edited_message":
        meta["edited"] = True
    if isinstance(message.get("text"), str):
        texts = rasa_texts(message["text"])
        return Incoming(update_id, "text" if texts else "unsupported", chat_id, texts, metadata={"telegram": meta})
    caption = rasa_texts(message["caption"]) if isinstance(message.get("caption"), str) else ()
    if caption:
        return Incoming(update_id, "text", chat_id, caption, attachment=True, metadata={"telegram": meta})
    return Incoming(update_id, "unsupported", chat_id, metadata={"telegram": meta})
