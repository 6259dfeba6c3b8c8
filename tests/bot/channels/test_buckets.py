"""Token buckets: a burst, then a steady rate, per key, in bounded memory."""

from bot.channels.buckets import TokenBuckets


def test_a_burst_then_the_rate_per_key():
    buckets = TokenBuckets(capacity=2, rate=0.5)
    assert buckets.take("a", now=0.0) and buckets.take("a", now=0.0)
    assert not buckets.take("a", now=0.0)
    assert buckets.wait("a", now=0.0) == 2.0  # one token comes back in 1 / 0.5 s
    assert buckets.take("b", now=0.0), "another key is not affected"
    assert buckets.take("a", now=2.0)


def test_waiting_takes_nothing_and_memory_stays_bounded():
    buckets = TokenBuckets(capacity=1, rate=1, max_keys=3)
    assert buckets.wait("a", now=0.0) == 0.0 and buckets.wait("a", now=0.0) == 0.0
    for key in "bcde":
        buckets.take(key, now=0.0)
    assert len(buckets._buckets) == 3
