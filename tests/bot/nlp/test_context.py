"""The ConText rules file (bot/knowledge/context_rules.yml) as the pipeline reads it."""

import pytest

from bot.knowledge._files import read_yaml

RULES = read_yaml("context_rules.yml")["rules"]


@pytest.mark.parametrize("rule", [r for r in RULES if "lemmas" in r], ids=lambda r: r["literal"])
def test_a_rule_written_with_lemmas_matches_its_own_literal(nlp, rule):
    """A lemma pattern the pipeline never produces matches nothing, silently: "could get" was written
    [could, get] while the pipeline reads "could" as "can", so "i could get seizures" was a seizure."""
    assert [t.lemma_ for t in nlp(rule["literal"])] == rule["lemmas"]


@pytest.mark.parametrize(
    "text",
    [
        "my doctor warned me i could get seizures if i stop suddenly",
        "i might start seeing things",
        "im worried my husband will get confused when he runs out next week",
    ],
)
def test_what_may_come_is_hypothetical(findings, text):
    assert [f["assertion"] for f in findings(text) if f["kind"] == "symptom"] == ["hypothetical"]
