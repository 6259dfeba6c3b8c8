"""Rasa's REST channel, with every message handed over through `bot.channels.guard.deliver`.

Same URL and JSON as Rasa's (`POST /webhooks/rest/webhook {"sender", "message"}`), but a turn
that produced no reply (action server down, an action failing) still gets an answer, messages
above the length limit are refused with a message, and "/intent{...}" text cannot pick an intent.
"""

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import deliver


def loaded_agent(app: Any) -> Any:
    """The Rasa agent the server loaded (`app.ctx.agent`), or None."""
    return getattr(getattr(app, "ctx", None), "agent", None)


class SafeRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
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
            collector = CollectingOutputChannel()
            await deliver(
                on_new_message,
                UserMessage(
                    message or "",
                    collector,
                    str(request.json.get("sender") or "default"),
                    input_channel=self.name(),
                    metadata=self.get_metadata(request),
                ),
                loaded_agent(request.app),
            )
            return response.json(collector.messages)

        return webhook
