"""The web widget's channel: Rasa's socket.io channel with three defects fixed.

Rasa 3.6's `SocketIOInput` is the right mechanism (the widget speaks its protocol), but:

1. with `session_persistence: true` it calls `sio.enter_room(...)` without `await`; with the
   python-socketio 5.x that Rasa allows this is a coroutine, so the client joins no room and
   never receives a reply (RasaHQ/rasa#13027);
2. it sends a custom payload as keyword arguments of `emit`, so our `{"triage": ...}` payload
   raises a TypeError and the reply is lost; here it is sent as `{"custom": {...}}`;
3. it accepts any Origin; here the engine.io server only accepts the configured origins. It
   checks them but adds no CORS headers of its own: with Rasa's `--cors`, Sanic-CORS already adds
   `Access-Control-Allow-Origin` to /socket.io, and engine.io added it a second time, so browsers
   refused every response of the long-polling transport (only websockets worked, and a page behind
   a proxy without websockets got nothing).

Messages go through `bot.channels.guard.deliver` (length limit, no "/intent" shortcut, an answer
even when the action server is down).

Its `blueprint` builds the handlers as closures, so the method is rewritten here rather than
patched; everything else is inherited.
"""

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.guard import conversation_id, deliver
from bot.channels.rest import loaded_agent
from bot.checkins.delivery import checkin_name, register_outlet, waiting_checkin
from bot.knowledge.channel_texts import load_channel_texts
from bot.settings import BY_NAME, web_allowed_origins

logger = logging.getLogger(__name__)

# A session id is a client-made random id (crypto.randomUUID in the widget): a guessable or
# malformed one could read another person's conversation, so anything else is refused.
SESSION_ID = re.compile(r"^[A-Za-z0-9-]{16,64}$")
# What the channel says in its own words (bot/knowledge/channel_texts.yml, reviewed by a clinician):
# to an event that is not a chat message, and to a message without a valid session id.
NOT_A_MESSAGE = load_channel_texts().not_a_message
RELOAD_PAGE = load_channel_texts().reload_page


def allowed_origins(value: Optional[Text] = None) -> List[Text]:
    """Origins from WEB_ALLOWED_ORIGINS (comma-separated); "*" allows any (not recommended)."""
    raw = value if value is not None else web_allowed_origins()
    return [o.strip().rstrip("/") for o in raw.split(",") if o.strip()]


class AppAwareBlueprint(SocketBlueprint):
    """Remembers the Sanic app it is registered on (to reach the loaded model's domain)."""

    def register(self, app: Any, options: Dict[Text, Any]) -> None:
        self.ctx.app = app
        super().register(app, options)


class WebChatOutput(SocketIOOutput):
    """Sends custom payloads as `{"custom": payload}` to the session's room."""

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        # Rasa's private `_send_message` is what every public `send_*` of SocketIOOutput emits with
        # (the bot event, to the recipient's room): reused so a custom payload takes the same path.
        # tests/bot/test_rasa_private_apis.py checks it.
        await self._send_message(recipient_id, {"custom": json_message})


class WebChatInput(SocketIOInput):
    """socket.io input with awaited rooms, origin checks and validated session ids."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        channel = cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            None,  # a custom namespace breaks Rasa's output channel (it emits without one)
            credentials.get("session_persistence", True),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
        )
        channel.origins = allowed_origins(credentials.get("allowed_origins"))
        return channel

    origins: List[Text] = allowed_origins(BY_NAME["WEB_ALLOWED_ORIGINS"].default)

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        cors = "*" if "*" in self.origins else self.origins
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=cors)
        # The origin check stays; the headers are Sanic-CORS's alone (point 3 of the module docstring).
        # python-engineio (pinned through Rasa's python-socketio) has no option to check origins
        # without adding headers, so its private `_cors_headers` is replaced on this one server;
        # tests/bot/test_rasa_private_apis.py checks that engine.io still takes its headers from it.
        sio.eio._cors_headers = lambda environ: []
        blueprint = AppAwareBlueprint(sio, self.socketio_path, "webchat_socketio", __name__)
        self.sio = sio

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict]) -> bool:
            if not self.jwt_key:
                return True
            from rasa.core.channels.channel import decode_bearer_token

            token = (auth or {}).get("token")
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        async def send_checkin(session_id: Text, messages: List[Dict[Text, Any]]) -> None:
            """A check-in, to the page if it is open; otherwise it waits for the page to come back."""
            if not list(sio.manager.get_participants("/", session_id)):
                logger.info("check-in due for a closed page: shown when the page comes back")
                return
            output = WebChatOutput(sio, self.bot_message_evt)
            for message in messages:
                await output.send_response(session_id, message)
            self.checkins_shown.add((session_id, checkin_name(messages)))

        # Check-ins shown on a page, (session, check-in), in this process: a reload does not repeat them.
        self.checkins_shown: Set[Tuple[Text, Optional[Text]]] = set()
        register_outlet(self.name(), send_checkin)

        @sio.on("session_request")
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            session_id = (data or {}).get("session_id")
            if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
                import uuid

                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)
            await show_waiting_checkin(sid, session_id)

        async def show_waiting_checkin(sid: Text, session_id: Text) -> None:
            """A check-in that fired while the page was closed (and has no answer yet) is shown now."""
            agent = loaded_agent(getattr(blueprint.ctx, "app", None))
            if agent is None:
                return
            try:
                tracker = await agent.tracker_store.retrieve(conversation_id(self.name(), session_id))
            except Exception:  # noqa: BLE001 (the page still works; the check-in is shown next time)
                logger.exception("could not look for a waiting check-in")
                return
            name, messages = waiting_checkin([e.as_dict() for e in tracker.events]) if tracker else (None, [])
            if name and (session_id, name) not in self.checkins_shown:
                output = WebChatOutput(sio, self.bot_message_evt)
                for message in messages:
                    await output.send_response(sid, message)
                self.checkins_shown.add((session_id, name))

        @sio.on(self.user_message_evt)
        async def handle_message(sid: Text, data: Any = None) -> None:
            if not isinstance(data, dict):
                await sio.emit(self.bot_message_evt, {"text": NOT_A_MESSAGE}, room=sid)
                return
            sender_id = data.get("session_id") if self.session_persistence else sid
            if not isinstance(sender_id, str) or not SESSION_ID.match(sender_id):
                await sio.emit(self.bot_message_evt, {"text": RELOAD_PAGE}, room=sid)
                return
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            text = data.get("message")
            output = WebChatOutput(sio, self.bot_message_evt)
            await deliver(
                on_new_message,
                UserMessage(
                    text if isinstance(text, str) else "",
                    output,
                    sender_id,
                    input_channel=self.name(),
                    metadata=metadata if isinstance(metadata, dict) else {},
                ),
                loaded_agent(getattr(blueprint.ctx, "app", None)),
            )

        return blueprint
