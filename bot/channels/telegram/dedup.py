"""Answering a re-delivered update once: the update_ids seen lately, in this process or in Redis.

Telegram delivers an update again when it got no 200 in time; without this record the person would
get every answer twice. Its own module because there are two records (one process, several) with
one interface, `first_time(update_id)`.
"""

import asyncio
import logging
from collections import OrderedDict
from typing import Any, Dict, Text

import redis
import redis.asyncio as aioredis

logger = logging.getLogger(__name__)


class RecentUpdates:
    """The update_ids seen lately, to answer a re-delivered update once.

    Telegram re-delivers an update when it got no 200 in time. This cache lives in one process:
    with several Rasa processes behind one webhook, `SharedRecentUpdates` (Redis) is used instead.
    Checking and recording happen without an `await` in between, so two identical POSTs arriving
    together are still processed once.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._seen: OrderedDict[int, None] = OrderedDict()

    async def first_time(self, update_id: int) -> bool:
        if update_id in self._seen:
            self._seen.move_to_end(update_id)
            return False
        self._seen[update_id] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True


class SharedRecentUpdates:
    """The update_ids answered lately, kept in Redis so that every Rasa process sees them.

    `SET <prefix><update_id> 1 NX EX <ttl>` records an update and says whether it was new, in one
    atomic step on the Redis server, so two processes given the same re-delivered update answer it
    once. Telegram re-delivers for at most 24 hours, hence the default TTL. If Redis cannot be
    reached the update is answered (a duplicate answer is better than a person left unanswered)
    and a warning is logged. Redis is asked with the asyncio client and a short time limit: the
    synchronous client stopped the whole process for two seconds per update while Redis hung.
    """

    TIMEOUT_S = 0.5

    def __init__(self, url: Text, ttl_s: int = 86_400, key_prefix: Text = "baclofen:telegram:update:") -> None:
        self._url = url
        self._ttl_s = ttl_s
        self._prefix = key_prefix
        self._clients: Dict[asyncio.AbstractEventLoop, Any] = {}

    def _client(self) -> Any:
        loop = asyncio.get_running_loop()
        if loop not in self._clients:  # an asyncio client belongs to the loop it was made in
            self._clients = {
                loop: aioredis.Redis.from_url(
                    self._url, socket_connect_timeout=self.TIMEOUT_S, socket_timeout=self.TIMEOUT_S
                )
            }
        return self._clients[loop]

    async def first_time(self, update_id: int) -> bool:
        try:
            key = f"{self._prefix}{update_id}"
            answer = await asyncio.wait_for(self._client().set(key, 1, nx=True, ex=self._ttl_s), self.TIMEOUT_S * 2)
            return bool(answer)
        except (redis.RedisError, OSError, asyncio.TimeoutError) as error:
            logger.warning("Telegram: Redis for re-delivered updates unreachable (%s); answering", type(error).__name__)
            return True
