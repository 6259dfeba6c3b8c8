"""Re-delivered updates are answered once: per process, and across processes in Redis."""

import asyncio
import socket
import time
import uuid

from bot.channels.telegram.dedup import RecentUpdates, SharedRecentUpdates


async def test_recent_updates_answer_each_update_once_and_forget_the_oldest():
    recent = RecentUpdates(size=3)
    assert [await recent.first_time(i) for i in (1, 2, 1, 3, 2)] == [True, True, False, True, False]
    assert await recent.first_time(4)  # 1 was used least recently and is forgotten
    assert await recent.first_time(1)
    assert not await recent.first_time(4)


async def test_shared_recent_updates_answer_an_update_once_across_processes():
    """Two channel instances (two Rasa processes) on this machine's Redis: one answer per update."""
    prefix = f"test:telegram:{uuid.uuid4().hex[:8]}:"
    first = SharedRecentUpdates("redis://127.0.0.1:6379/4", ttl_s=60, key_prefix=prefix)
    second = SharedRecentUpdates("redis://127.0.0.1:6379/4", ttl_s=60, key_prefix=prefix)
    assert await first.first_time(7) is True
    assert await second.first_time(7) is False
    assert await second.first_time(8) is True
    stores = [first, second]
    # the same re-delivered update, at once, everywhere
    answers = await asyncio.gather(*(stores[i % 2].first_time(9) for i in range(16)))
    assert answers.count(True) == 1


async def test_shared_recent_updates_answer_when_redis_is_unreachable(caplog):
    down = SharedRecentUpdates("redis://127.0.0.1:1/0")
    assert await down.first_time(7) is True
    assert await down.first_time(7) is True  # cannot tell: answering twice beats not answering
    assert "unreachable" in caplog.text


async def test_a_hung_redis_costs_an_update_at_most_a_second():
    """A Redis that accepts connections but never answers (as a stopped one does)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        hung = SharedRecentUpdates(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        started = time.monotonic()
        assert await hung.first_time(7) is True
        assert time.monotonic() - started < 1.5
