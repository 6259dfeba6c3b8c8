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


@pytest.mark.parametrize(
    "text",
    [
        "his pump was put in two years ago he is burning up",
        "pump put in 2 years ago im burning up",
        "pump put in two years ago she's burning up",
        "i stopped baclofen years ago i'm seeing bugs everywhere",
    ],
)
def test_a_present_verb_ends_the_reach_of_a_history(findings, text):
    """A dictated run-on without a comma: the history cue reached the red flag after it."""
    assert [f["assertion"] for f in findings(text) if f["kind"] == "symptom"] == ["present"]


@pytest.mark.parametrize(
    "text",
    [
        "years ago i was seeing things that are not there",
        "two years ago he had a seizure and he is fine",
        "as a kid i had fits, i'm worried",
    ],
)
def test_a_past_red_flag_stays_in_the_past(findings, text):
    assert [f["assertion"] for f in findings(text) if f["kind"] == "symptom"] == ["historical"]


@pytest.mark.parametrize(
    "text, symptom, expected",
    [
        # development parts, 2026-12-01: an age or a school year long past
        ("i remember when i was 19 i took 24 of those pills", "overdose_taken", "historical"),
        ("in the ninth grade my best friend attempted suicide", "suicidal", "historical"),
        ("when i was in high school i had seizures", "seizure", "historical"),
        ("last summer my husband had a terrifying night of hallucinations", "hallucinations", "historical"),
        # a time, not an age; and the present still ends the reach
        ("when i was 10 minutes late for my dose i got a seizure", "seizure", "present"),
        ("when i was 12 days off baclofen i started hallucinating", "hallucinations", "present"),
        ("as a teen i had fits, now i am seeing things", "hallucinations", "present"),
    ],
)
def test_an_age_or_school_year_long_past_is_history(findings, text, symptom, expected):
    assert {f["id"]: f["assertion"] for f in findings(text)}[symptom] == expected


def test_a_present_verb_keeps_the_caregiver_who_said_it(findings):
    """The cue is the verb only: a longer "he is" would replace the "he" that marks someone else."""
    (fever,) = [f for f in findings("his pump went in years ago he is burning up") if f["id"] == "fever"]
    assert (fever["assertion"], fever["experiencer"]) == ("present", "other")


@pytest.mark.parametrize(
    "text", ["my last seizure was 2019, now tapering", "in 2015 i had hallucinations when i stopped baclofen"]
)
def test_a_past_year_is_history(findings, text):
    assert "historical" in [f["assertion"] for f in findings(text) if f["kind"] == "symptom"]


def test_a_past_year_does_not_reach_what_is_happening_now(findings):
    found = {f["id"]: f["assertion"] for f in findings("back in 2019 he had a fit, now he is seeing things")}
    assert found == {"seizure": "historical", "hallucinations": "present"}


@pytest.mark.parametrize(
    "text",
    [
        "as much as i want to come off the pills, i worry how it will make me feel",
        "i want to stop taking them but i'm worried about withdrawal",
        "im thinking of coming off baclofen",
        "we are planning to come off baclofen",
    ],
)
def test_a_wish_or_a_plan_to_stop_is_not_a_stop(findings, text):
    assert [f["assertion"] for f in findings(text) if f["id"] == "stopped_abruptly"] == ["hypothetical"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("i want to kill myself", "suicidal"),
        ("i wanted to stop so i stopped 3 days ago", "stopped_abruptly"),
    ],
)
def test_a_wish_leaves_symptoms_and_past_wishes_alone(findings, text, expected):
    """The wish rules are for events and the present tense only: "I want to die" is a report."""
    assert {f["id"]: f["assertion"] for f in findings(text)}[expected] == "present"


@pytest.mark.parametrize(
    "text, symptom, expected",
    [
        # exploratory test 2026-12-01
        ("seizure? no. fever? no. just sweating", "seizure", "negated"),
        ("seizure? no. fever? no. just sweating", "fever", "negated"),
        ("seizures? yes. fever? no", "seizure", "present"),
        ("she keeps talking to her sister who died in 2010", "hallucinations", "present"),
        ("in 2010 he had a seizure", "seizure", "historical"),
    ],
)
def test_checklists_fears_and_the_dates_of_a_death(findings, text, symptom, expected):
    assert {f["id"]: f["assertion"] for f in findings(text)}[symptom] == expected


@pytest.mark.parametrize(
    "text, finding, expected",
    [
        ("wait no sorry its tablets", "tablets", "present"),
        ("no actually he has a fever", "fever", "present"),
        ("no sorry, no fever", "fever", "negated"),
    ],
)
def test_a_correction_that_opens_with_no_negates_nothing(findings, text, finding, expected):
    assert {f["id"]: f["assertion"] for f in findings(text)}[finding] == expected


@pytest.mark.parametrize(
    "text, symptom",
    [
        # a review of the change (2026-12-01): each of these was present before the new rules
        ("he cant breathe?? no one is answering", "breathing"),
        ("he had a seizure? no idea what to do", "seizure"),
        ("why is he shaking and confused? no idea", "confusion"),
        ("i can't breathe through my nose or mouth", "breathing"),
        ("she is confused about whether it is day or night", "confusion"),
        ("he is confused about where he is", "confusion"),
        ("could i get help he is not breathing", "breathing"),
        ("my biggest fear came true he is seeing things", "hallucinations"),
        # a second review (2026-12-01): why the fear and "could i get" rules were taken out
        ("could i get some help my wife had a fit and is not waking", "seizure"),
        ("can i have some help she stopped breathing", "breathing"),
        ("worst fear: he had a seizure this morning", "seizure"),
        ("was that a seizure? no, it is still going on", "seizure"),
    ],
)
def test_the_checklist_and_fear_rules_never_hide_a_present_red_flag(findings, text, symptom):
    assert {f["id"]: f["assertion"] for f in findings(text)}[symptom] == "present"
