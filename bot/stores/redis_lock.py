"""Rasa's Redis lock store, configured by one URL, with its ticket updates made atomic.

With several Rasa server processes, the lock store makes the turns of one conversation run one
after another whichever process receives them (Rasa's own mechanism; an in-memory lock store only
works within one process).

Rasa 3.6's RedisLockStore issues and removes tickets by reading the lock from Redis, changing it
and writing it back, with nothing in between to stop another process doing the same. When two
processes receive a message of the same conversation at the same moment, both can get ticket 0,
both run at once, and one turn is lost from the tracker (tests/e2e/test_scale_out.py showed it).
Here every read-change-write of a conversation's lock runs under a short Redis mutex.
"""

from contextlib import contextmanager
from typing import Any, Iterator, Optional, Text
from urllib.parse import urlparse

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore

MUTEX_SECONDS = 5


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
            **kwargs,
        )

    @contextmanager
    def _mutex(self, conversation_id: Text) -> Iterator[None]:
        with self.red.lock(
            f"{self.key_prefix}mutex:{conversation_id}", timeout=MUTEX_SECONDS, blocking_timeout=MUTEX_SECONDS
        ):
            yield

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
