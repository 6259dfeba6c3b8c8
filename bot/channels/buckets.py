"""Token buckets, one per key: `capacity` at once, then `rate` more a second.

Shared by the guard's per-conversation rate limit (bot/channels/guard.py) and the Telegram outbox's
pacing (bot/channels/telegram/outbox.py). Written by hand: a few lines, and the rate-limit
libraries on PyPI are for web frameworks or keep their counts in Redis.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Text, Tuple


class TokenBuckets:
    """Buckets by key; the least recently used are forgotten beyond `max_keys` (a bounded memory)."""

    def __init__(self, capacity: float, rate: float, max_keys: int = 50_000) -> None:
        self.capacity = float(capacity)
        self.rate = float(rate)
        self.max_keys = max_keys
        self._buckets: OrderedDict[Text, Tuple[float, float]] = OrderedDict()

    def wait(self, key: Text, now: float) -> float:
        """Seconds until the key has a token (0.0: it has one now). Takes nothing."""
        tokens, last = self._buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + max(0.0, now - last) * self.rate)
        self._buckets[key] = (tokens, max(now, last))
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def take(self, key: Text, now: float) -> bool:
        """Take one token if there is one now; whether it was taken."""
        if self.wait(key, now):
            return False
        tokens, last = self._buckets[key]
        self._buckets[key] = (tokens - 1, last)
        return True
