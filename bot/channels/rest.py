"""Rasa's REST channel, with every message handed over through `bot.channels.guard.deliver`.

Same URL and JSON as Rasa's (`POST /webhooks/rest/webhook {"sender", "message"}`), but a turn
that produced no reply (action server down, an action failing) still gets an answer, messages
above the length limit are refused with a message, and "/intent{...}" text cannot pick an intent.
A request without a `sender`, or with one that is not short text, gets 400 (Rasa put every such
request into one shared "default" conversation, and a sender id over 255 characters failed every
write on PostgreSQL). The conversation is kept as "rest:<sender>" (bot/channels/guard.py).
"""

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.channels.guard import deliver, readable

# The conversation id Rasa stores is "rest:" + sender, in a varchar(255) column on PostgreSQL.
MAX_SENDER_CHARS = 128


def loaded_agent(app: Any) -> Any:
    """The Rasa agent the server loaded (`app.ctx.agent`), or None."""
    return getattr(getattr(app, "ctx", None), "agent", None)


class SafeRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        # Built once, when the server starts: a bad number in the environment stops it here
        # rather than fail every message (bot/settings.py).
        settings.check()
        webhook = Blueprint("safe_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not isinstance(request.json, dict):
                return response.json({"error": 'expected a JSON object {"sender": ..., "message": ...}'}, status=400)
            message = request.json.get("message")
            if message is not None and not isinstance(message, str):
                return response.json({"error": "message must be a string"}, status=400)
            sender = request.json.get("sender")
            if isinstance(sender, int) and not isinstance(sender, bool):
                sender = str(sender)
            if not isinstance(sender, str) or not sender.strip():
                # Without it every such request would join one shared conversation ("default").
                return response.json({"error": "sender must be a non-empty string: the conversation's id"}, status=400)
            if len(sender) > MAX_SENDER_CHARS or not readable(sender):
                error = f"sender must be text of at most {MAX_SENDER_CHARS} characters"
                return response.json({"error": error}, status=400)
            collector = CollectingOutputChannel()
            await deliver(
                on_new_message,
                UserMessage(
                    message or "",
                    collector,
                    sender,
                    input_channel=self.name(),
                    metadata=self.get_metadata(request),
                ),
                loaded_agent(request.app),
            )
            return response.json(collector.messages)

        return webhook
