import copy

import pytest
import yaml

from bot.knowledge import load_catalogue
from bot.knowledge._files import read_yaml
from bot.knowledge.answers import load_answers
from bot.knowledge.catalogue import Catalogue, CatalogueError
from bot.paths import PROJECT_ROOT

# The red flags DEVELOPERS.md and docs/clinical/policy.md require (besides combinations).
REQUIRED_RED_FLAGS = {
    "hallucinations",
    "seizure",
    "confusion",
    "fever",
    "breathing",
    "heart_rhythm",
    "unresponsive",
    "suicidal",
}


@pytest.fixture()
def raw():
    return copy.deepcopy(read_yaml("catalogue.yml")), read_yaml("sources.yml")


def test_shipped_catalogue_loads_with_every_required_red_flag():
    catalogue = load_catalogue()
    assert REQUIRED_RED_FLAGS <= {s.id for s in catalogue.red_flags}
    assert {"rigidity", "severe_spasticity"} <= {
        s.id for s in catalogue.symptoms.values() if s.severity == "pump_red_flag"
    }
    assert set(catalogue.routes) == {"tablets", "pump"}
    assert catalogue.fingerprint


def test_every_symptom_and_event_cites_a_known_source():
    catalogue = load_catalogue()
    for item in [*catalogue.symptoms.values(), *catalogue.events.values()]:
        assert item.sources and set(item.sources) <= set(catalogue.sources), item.id


def test_unknown_key_is_rejected(raw):
    catalogue, sources = raw
    catalogue["symptoms"][0]["redflag"] = True
    with pytest.raises(CatalogueError, match="unknown keys"):
        Catalogue.from_dicts(catalogue, sources)


def test_unknown_severity_is_rejected(raw):
    catalogue, sources = raw
    catalogue["symptoms"][0]["severity"] = "deadly"
    with pytest.raises(CatalogueError, match="severity"):
        Catalogue.from_dicts(catalogue, sources)


def test_unknown_source_is_rejected(raw):
    catalogue, sources = raw
    catalogue["symptoms"][0]["sources"] = ["a_blog_post"]
    with pytest.raises(CatalogueError, match="unknown sources"):
        Catalogue.from_dicts(catalogue, sources)


def test_a_phrase_listed_for_two_concepts_is_rejected(raw):
    catalogue, sources = raw
    catalogue["symptoms"][1]["phrases"].append(catalogue["symptoms"][0]["phrases"][0])
    with pytest.raises(CatalogueError, match="listed for both"):
        Catalogue.from_dicts(catalogue, sources)


def test_number_rule_needs_a_trigger(raw):
    catalogue, sources = raw
    catalogue["symptoms"][0]["numbers"] = [{"at_least": 1, "below": 2}]
    with pytest.raises(CatalogueError, match="needs"):
        Catalogue.from_dicts(catalogue, sources)


def test_an_amount_rule_needs_the_words_that_say_it_was_taken(raw):
    catalogue, sources = raw
    catalogue["symptoms"][0]["numbers"] = [{"amount": True, "at_least": 200, "below": 1000, "decimal": True}]
    with pytest.raises(CatalogueError, match="amount"):
        Catalogue.from_dicts(catalogue, sources)


def test_answers_cover_exactly_the_domain_question_intents():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    assert set(load_answers()) == {i for i in domain["intents"] if i.startswith("ask_") and i != "ask_capabilities"}


def test_answers_are_short_sourced_and_send_red_flags_to_the_emergency_number():
    for answer in load_answers().values():
        # a question the bot has no checked answer for cites nothing, and says so
        assert bool(answer.sources) != (answer.intent == "ask_other"), answer.intent
        assert len(answer.text) < 700, answer.intent
        if answer.intent != "ask_what_is":
            assert "{emergency_number}" in answer.text, answer.intent


def test_a_not_when_wording_is_read_and_may_not_switch_off_a_phrase(raw):
    catalogue, sources = raw
    suicidal = next(s for s in catalogue["symptoms"] if s["id"] == "suicidal")
    assert (
        "(cut|cutting|cuts) (myself|himself|herself|me|him|her) (down|back) to"
        in load_catalogue().symptoms["suicidal"].not_when
    )
    suicidal["not_when"] = [*suicidal["not_when"], suicidal["phrases"][0]]
    with pytest.raises(CatalogueError, match="not_when repeats"):
        Catalogue.from_dicts(catalogue, sources)


def test_an_event_may_have_not_when_wordings_too(raw):
    catalogue, sources = raw
    assert "(good|high|low|great|better|fine) spirits" in load_catalogue().events["mixed_alcohol"].not_when
    alcohol = next(e for e in catalogue["events"] if e["id"] == "mixed_alcohol")
    alcohol["not_when"] = [*alcohol["not_when"], "alcohol"]
    with pytest.raises(CatalogueError, match="not_when repeats"):
        Catalogue.from_dicts(catalogue, sources)
