"""The clinician view's window into the NLU: what the bot understood in a message, and why.

POST /webhooks/clinician/parse {"text": "..."} -> the intent with its confidence, the runners-up,
and the findings (symptom, route, event with their context). GET /webhooks/clinician/sources -> the
title of every source id the triage reasons cite. POST /webhooks/clinician/advance lets time pass
in a REST conversation (check-ins, for scenarios' `clock:` turns). Off unless CLINICIAN_VIEW=true, so a
patient-facing deployment never exposes it; browsers may call it only from WEB_ALLOWED_ORIGINS
(checked here, and allowed by Rasa's own `--cors`).
"""

from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import conversation_id
from bot.channels.rest import MAX_SENDER_CHARS
from bot.channels.webchat import allowed_origins
from bot.checkins import delivery as checkin_delivery
from bot.knowledge import load_catalogue
from bot.nlu.entities import findings_from_entities
from bot.settings import clinician_view_enabled, max_message_chars


async def explain(agent: Any, text: Text) -> Dict[Text, Any]:
    parsed = await agent.parse_message(text)
    intent = parsed.get("intent") or {}
    return {
        "intent": intent.get("name"),
        "confidence": round(float(intent.get("confidence") or 0.0), 3),
        "ranking": [
            {"name": r.get("name"), "confidence": round(float(r.get("confidence") or 0.0), 3)}
            for r in (parsed.get("intent_ranking") or [])[:4]
        ],
        "findings": findings_from_entities(parsed.get("entities") or []),
    }


class ClinicianInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "clinician"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        clinician = Blueprint("clinician_view")

        # CORS (the page is served from another port) is Rasa's own: `rasa run --cors ORIGINS`,
        # which `make run` sets to WEB_ALLOWED_ORIGINS.
        @clinician.route("/parse", methods=["POST"])
        async def parse(request: Request) -> HTTPResponse:
            if not clinician_view_enabled():
                return response.json({"error": "the clinician view is off (CLINICIAN_VIEW)"}, status=403)
            origin = (request.headers.get("origin") or "").rstrip("/")
            if origin and origin not in allowed_origins():
                return response.json({"error": "origin not allowed"}, status=403)
            body = request.json if isinstance(request.json, dict) else {}
            text, limit = body.get("text"), max_message_chars()  # the same limit as a chat message
            if not isinstance(text, str) or len(text) > limit:
                return response.json({"error": f"text must be a string of at most {limit} characters"}, status=400)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"error": "no model loaded"}, status=503)
            return response.json(await explain(agent, text))

        # The titles of the sources the triage reasons cite by id (the panel shows titles).
        @clinician.route("/sources", methods=["GET"])
        async def sources(_: Request) -> HTTPResponse:
            if not clinician_view_enabled():
                return response.json({"error": "the clinician view is off (CLINICIAN_VIEW)"}, status=403)
            return response.json({"sources": {k: v.title for k, v in load_catalogue().sources.items()}})

        # Clinicians' scenarios let time pass (`clock: 2 hours`): the REST conversation's check-ins
        # due by then fire now, and their messages are the answer (bot/checkins/delivery.advance).
        @clinician.route("/advance", methods=["POST"])
        async def advance(request: Request) -> HTTPResponse:
            if not clinician_view_enabled():
                return response.json({"error": "the clinician view is off (CLINICIAN_VIEW)"}, status=403)
            body = request.json if isinstance(request.json, dict) else {}
            sender, hours = body.get("sender"), body.get("hours")
            if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER_CHARS:
                return response.json({"error": "sender must be a short string"}, status=400)
            if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 24 * 30:
                return response.json({"error": "hours must be a number of hours, at most 30 days"}, status=400)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"error": "no model loaded"}, status=503)
            messages = await checkin_delivery.advance(agent.processor, conversation_id("rest", sender), float(hours))
            return response.json({"messages": messages})

        return clinician
