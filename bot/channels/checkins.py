"""Check-ins in the Rasa server: installed, restored at start-up, and the REST callback outlet.

Listed in credentials.yml so that what it changes is in plain sight: when the server starts it
routes check-in reminders through `bot.checkins.delivery` (delivered to the person's channel,
once across processes) and schedules again every check-in the conversations hold as pending.
`GET /webhooks/checkins/` says how many check-ins this process has on its scheduler.

REST has no way to write first, so for integrators a check-in's replies are POSTed, as Rasa's
callback channel does (`{"recipient_id", "text", ...}` per message), to CHECKIN_CALLBACK_URL
when it is set; without it they wait in the conversation (read it with Rasa's tracker API).
"""

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core import jobs
from rasa.core.channels.callback import CallbackOutput
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.utils.endpoints import EndpointConfig
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.checkins import delivery
from bot.checkins.plan import NAME_PREFIX
from bot.settings import checkin_callback_url

logger = logging.getLogger(__name__)


def rest_outlet(url: Text) -> delivery.Outlet:
    """POST each message of a check-in to `url`, as Rasa's callback channel does."""
    output = CallbackOutput(EndpointConfig(url))

    async def send(recipient: Text, messages: List[Dict[Text, Any]]) -> None:
        for message in messages:
            await output.send_response(recipient, message)

    return send


class CheckinsInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "checkins"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls((credentials or {}).get("callback_url") or checkin_callback_url())

    def __init__(self, callback_url: Optional[Text] = None) -> None:
        self.callback_url = callback_url

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        delivery.install()
        if self.callback_url:
            delivery.register_outlet("rest", rest_outlet(self.callback_url))
        checkins = Blueprint("checkins")

        @checkins.route("/", methods=["GET"])
        async def scheduled(_: Request) -> HTTPResponse:
            jobs_here = [j for j in (await jobs.scheduler()).get_jobs() if str(j.id).startswith(NAME_PREFIX)]
            return response.json({"scheduled_here": len(jobs_here), "rest_callback": bool(self.callback_url)})

        @checkins.listener("after_server_start")
        async def restore(app: Sanic, _: asyncio.AbstractEventLoop) -> None:
            agent = getattr(app.ctx, "agent", None)
            if agent is None:
                logger.error("check-ins not restored: no agent loaded")
                return
            try:
                await delivery.allow_late_jobs()
                await delivery.restore(agent)
            except Exception:  # noqa: BLE001 (the server runs on; the failure is logged, not hidden)
                logger.exception("check-ins could not be restored at start-up")

        return checkins
