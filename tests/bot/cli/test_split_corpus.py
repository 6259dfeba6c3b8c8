"""Splitting the collected statements: stratified, reproducible, enough emergencies frozen."""

from bot.cli.split_corpus import split


def entries(n, level, category="none"):
    return [{"id": f"{level}{i}", "level": level, "category": category} for i in range(n)]


def test_the_split_is_stratified_reproducible_and_keeps_enough_emergencies():
    data = entries(40, "emergency", "seizure") + entries(60, "routine")
    frozen, dev = split(data, 0.3, 7, min_emergencies=15)
    assert (frozen, dev) == split(data, 0.3, 7, min_emergencies=15)
    assert len(frozen) + len(dev) == 100 and not {e["id"] for e in frozen} & {e["id"] for e in dev}
    assert sum(e["level"] == "routine" for e in frozen) == 18
    assert sum(e["level"] == "emergency" for e in frozen) == 15  # 12 by share, topped up to the minimum
