"""Rasa's Redis lock store, configured by one URL, with its ticket updates made atomic.

With several Rasa server processes, the lock store makes the turns of one conversation run one
after another whichever process receives them (Rasa's own mechanism; an in-memory lock store only
works within one process).

Rasa 3.6's RedisLockStore issues and removes tickets by reading the lock from Redis, changing it
and writing it back, with nothing in between to stop another process doing the same. When two
processes receive a message of the same conversation at the same moment, both can get ticket 0,
both run at once, and one turn is lost from the tracker (tests/e2e/test_scale_out.py showed it).
Here every read-change-write of a conversation's lock runs under a short Redis mutex.

Rasa gives every ticket a 60 s lifetime (TICKET_LOCK_LIFETIME) and never renews it, so a process
killed while it held a conversation's lock made that person's next message wait about a minute
(fault injection, issue 14). Here a ticket lives LOCK_LIFETIME_SECONDS (default 5) and is renewed
every third of that while its turn waits or runs: a live turn keeps its lock however long it takes,
a dead process's lock is free within seconds.
"""

import asyncio
import logging
import time
from contextlib import asynccontextmanager, contextmanager
from typing import Any, AsyncIterator, Iterator, Optional, Text
from urllib.parse import urlparse

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore

from bot.settings import lock_lifetime_seconds

logger = logging.getLogger(__name__)

MUTEX_SECONDS = 5
# Rasa's lock store calls Redis synchronously, on the event loop: while Redis does not answer, the
# whole process (every conversation) waits for this. Rasa's default is 10 s; a lock operation
# takes a millisecond, so 2 s is generous and bounds the stall of a hung Redis to 2 s a call.
SOCKET_TIMEOUT_SECONDS = 2.0


def lock_lifetime() -> float:
    """Seconds a ticket lives without renewal (LOCK_LIFETIME_SECONDS, default 5)."""
    return lock_lifetime_seconds()


class UrlRedisLockStore(RedisLockStore):
    """REDIS_URL-configured, race-free ticket lock store."""

    def __init__(
        self,
        host: Text = "redis://127.0.0.1:6379/1",
        key_prefix: Optional[Text] = None,
        endpoint_config: Any = None,
        **kwargs: Any,
    ) -> None:
        # Rasa creates custom lock stores with `endpoint_config` only: read url and key_prefix from it.
        if endpoint_config is not None:
            host = endpoint_config.url or host
            key_prefix = endpoint_config.kwargs.get("key_prefix", key_prefix)
        url = urlparse(host if "://" in host else f"redis://{host}")
        super().__init__(
            host=url.hostname or "127.0.0.1",
            port=url.port or 6379,
            db=int(url.path.strip("/") or 1),
            username=url.username,
            password=url.password,
            use_ssl=url.scheme == "rediss",
            key_prefix=key_prefix,
            **{"socket_timeout": SOCKET_TIMEOUT_SECONDS, **kwargs},
        )
        self.lifetime = lock_lifetime()

    @contextmanager
    def _mutex(self, conversation_id: Text) -> Iterator[None]:
        # Waits one second longer than the mutex lives: a holder that died, or a command a hung Redis
        # carried out late (tests/e2e/test_hung_stores.py saw one), has let go by then.
        with self.red.lock(
            f"{self.key_prefix}mutex:{conversation_id}", timeout=MUTEX_SECONDS, blocking_timeout=MUTEX_SECONDS + 1
        ):
            yield

    def issue_ticket(self, conversation_id: Text, lock_lifetime: Optional[float] = None) -> int:
        """A ticket that lives `lock_lifetime` seconds (by default this store's short lifetime)."""
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime or self.lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)

    def renew_ticket(self, conversation_id: Text, ticket_number: int) -> bool:
        """Push the ticket's expiry LIFETIME into the future; False if it is no longer there."""
        with self._mutex(conversation_id):
            lock = self.get_lock(conversation_id)
            ticket = next((t for t in lock.tickets if t.number == ticket_number), None) if lock else None
            if lock is None or ticket is None:
                return False
            ticket.expires = time.time() + self.lifetime
            self.save_lock(lock)
            return True

    async def _keep_alive(self, conversation_id: Text, ticket_number: int) -> None:
        while True:
            await asyncio.sleep(self.lifetime / 3)
            if not self.renew_ticket(conversation_id, ticket_number):
                logger.warning("a conversation lock ticket expired before its turn ended")
                return

    @asynccontextmanager
    async def lock(
        self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 0.2
    ) -> AsyncIterator[TicketLock]:
        """Rasa's ticket lock with a short, renewed lifetime (Rasa's `lock_lifetime` is not used).

        Checked every 0.2 s instead of Rasa's 1 s while another turn of the same conversation runs.
        """
        ticket = self.issue_ticket(conversation_id)
        keeper = asyncio.ensure_future(self._keep_alive(conversation_id, ticket))
        try:
            # Rasa's private `_acquire_lock` is the wait-for-your-ticket loop of its own `lock()`;
            # only the ticket's lifetime and renewal differ here, so the loop is reused rather than
            # copied. tests/bot/test_rasa_private_apis.py checks its signature.
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            keeper.cancel()
            self.cleanup(conversation_id, ticket)
