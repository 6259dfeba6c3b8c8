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


def test_statements_already_in_the_corpus_are_dropped_after_numbering(tmp_path):
    import yaml

    from bot.cli.split_corpus import collected

    item = {
        "accept": ["routine"],
        "level": "routine",
        "category": "none",
        "kind": "real",
        "speaker": "patient",
        "topic": "side_effect",
        "source": "https://example.org/a",
    }
    texts = ["a little dizzy in the mornings since starting it", "my legs feel heavy and weak most afternoons now"]
    path = tmp_path / "batch.yml"
    path.write_text(yaml.safe_dump({"statements": [{"text": t, **item} for t in texts]}))
    entries = collected([path], "rz", existing=["my legs feel heavy and weak most afternoons now"])
    assert [e["id"] for e in entries] == ["rz001"]
