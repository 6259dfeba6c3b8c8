"""GET /webhooks/health/: is the bot really able to answer? Says which part is not.

Rasa 3.6 logs "Rasa server is up and running" and answers REST with 200 and an empty list even
when the model failed to load, and it never checks the action server. This endpoint checks the
three parts a reply needs:

- model: an agent is loaded and ready;
- nlu: the spaCy pipeline and our extractor work (a known sentence must yield its symptom);
- actions: the action server answers its /health within 3 s (a hung one is "unreachable");
- conversations: the conversation database answers `SELECT 1` within 3 s;
- locks: the Redis lock store answers PING within 3 s (with several Rasa processes).

200 with {"status": "ok", ...} when all pass, 503 with the failing parts otherwise.
"""

import asyncio
from typing import Any, Awaitable, Callable, Dict, Text

import aiohttp
import sqlalchemy as sa
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.names import Entity

PROBE_TEXT = "i have a fever"
PROBE_SYMPTOM = "fever"
CHECK_SECONDS = 3.0


async def check_model(agent: Any) -> Text:
    return "ok" if agent is not None and agent.is_ready() else "no model loaded"


async def check_nlu(agent: Any) -> Text:
    try:
        parsed = await agent.parse_message(PROBE_TEXT)
    except Exception as error:  # noqa: BLE001 (any failure is the answer)
        return f"parsing failed: {error.__class__.__name__}"
    found = [
        e for e in parsed.get("entities", []) if e.get("entity") == Entity.SYMPTOM and e.get("value") == PROBE_SYMPTOM
    ]
    return "ok" if found else "the symptom extractor found nothing (spaCy pipeline not loaded?)"


async def check_actions(agent: Any) -> Text:
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is None or not endpoint.url:
        return "no action endpoint configured"
    url = endpoint.url.rsplit("/webhook", 1)[0] + "/health"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=CHECK_SECONDS)) as session:
            async with session.get(url) as reply:
                return "ok" if reply.status == 200 else f"action server answered {reply.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError) as error:  # distinct classes on 3.10
        return f"action server unreachable: {error.__class__.__name__}"


def _select_one(engine: Any) -> None:
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))


async def answers_in_time(call: Callable[[], Any], what: Text) -> Text:
    """ "ok" when the blocking `call` returns within CHECK_SECONDS (run off the event loop), else why not."""
    try:
        await asyncio.wait_for(asyncio.to_thread(call), CHECK_SECONDS)
        return "ok"
    except Exception as error:  # noqa: BLE001 (any failure is the answer)
        return f"{what} unreachable: {error.__class__.__name__}"


async def check_conversations(agent: Any) -> Text:
    """The SQL tracker store's database (inside Rasa's fail-safe wrapper) answers in time."""
    store = getattr(agent, "tracker_store", None)
    # Rasa's FailSafeTrackerStore has no public accessor for the store it wraps: its private
    # `_tracker_store` (checked in tests/bot/test_rasa_private_apis.py).
    engine = getattr(getattr(store, "_tracker_store", store), "engine", None)
    if engine is None:
        return "ok"  # kept in memory: nothing to reach
    return await answers_in_time(lambda: _select_one(engine), "conversation database")


async def check_locks(agent: Any) -> Text:
    """The Redis lock store (several Rasa processes) answers PING in time."""
    redis = getattr(getattr(agent, "lock_store", None), "red", None)
    if redis is None:
        return "ok"  # locks in this process's memory
    return await answers_in_time(redis.ping, "lock store (Redis)")


class HealthInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "health"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health = Blueprint("bot_health")

        @health.route("/", methods=["GET"])
        async def status(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            checks: Dict[Text, Text] = {"model": await check_model(agent)}
            if checks["model"] == "ok":
                checks["nlu"] = await check_nlu(agent)
                checks["actions"] = await check_actions(agent)
                checks["conversations"] = await check_conversations(agent)
                checks["locks"] = await check_locks(agent)
            ok = all(v == "ok" for v in checks.values())
            return response.json({"status": "ok" if ok else "failing", **checks}, status=200 if ok else 503)

        return health
