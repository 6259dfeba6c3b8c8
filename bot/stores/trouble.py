"""Which conversations the tracker store failed for, and when: read by the channel guard.

Rasa wraps every tracker store in a FailSafeTrackerStore that swallows errors: a conversation the
database could not read is silently started afresh in memory, and a turn it could not write is
kept in memory only, while the person gets an ordinary-looking reply. Our store records each
failure here before Rasa swallows it, so the guard (bot/channels/guard.py), which wraps the whole
turn, can replace that reply with its own: the emergency advice when due, otherwise "nothing was
saved, please send it again". Process-wide on purpose: the store and the guard are created by
Rasa separately and share nothing else; the record is small (the last failure per conversation,
oldest dropped beyond MAX_KEPT).
"""

import time
from collections import OrderedDict
from threading import Lock
from typing import Text

MAX_KEPT = 10_000

_failures: "OrderedDict[Text, float]" = OrderedDict()
_lock = Lock()  # the store may run in worker threads


def record(sender_id: Text) -> None:
    """The store failed for this conversation just now."""
    now = time.monotonic()
    with _lock:
        _failures[sender_id] = now
        _failures.move_to_end(sender_id)
        while len(_failures) > MAX_KEPT:
            _failures.popitem(last=False)


def failed_since(sender_id: Text, since: float) -> bool:
    """Whether the store failed for this conversation at or after `since` (a time.monotonic() value)."""
    with _lock:
        when = _failures.get(sender_id)
    return when is not None and when >= since


def clear() -> None:
    with _lock:
        _failures.clear()
