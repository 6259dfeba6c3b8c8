"""The learned red-flag layer: what it learns from, what it masks, what it scores."""

import pytest

from bot.corpus import DEV_FILES, FROZEN_FILES, load_statements
from bot.nlp.red_flag_model import (
    MIN_WORDS,
    Example,
    ExamplesError,
    catalogue_examples,
    load_examples,
    load_settings,
    masked_text,
    nlu_examples,
    scored_parts,
    sentence_negatives,
    training_examples,
)
from bot.nlu.red_flag_classifier import learned_finding


def test_the_shipped_examples_load_and_cover_every_red_flag_category():
    examples = load_examples()
    categories = {e.category for e in examples if e.red_flag}
    assert {"hallucinations", "seizure", "confusion", "breathing", "suicidal", "pump_withdrawal"} <= categories
    assert sum(not e.red_flag for e in examples) >= 100


@pytest.mark.parametrize(
    "data",
    [
        {"version": 1, "positive": {"not_a_category": ["x"]}, "negative": []},
        {"version": 1, "positive": {}, "negative": [False]},  # YAML's unquoted "no"
        {"version": 1, "positive": {}},
        {"version": 1, "positive": {}, "negative": [], "extra": 1},
    ],
)
def test_a_bad_examples_file_is_refused(data):
    with pytest.raises(ExamplesError):
        load_examples(data)


@pytest.mark.parametrize("data", [{"threshold": 1.5, "false_positive_target": 0.1}, {"threshold": 0.5}])
def test_a_bad_threshold_file_is_refused(data):
    with pytest.raises(ExamplesError):
        load_settings(data)


def test_the_shipped_threshold_file_loads():
    settings = load_settings()
    assert 0 < settings.threshold < 1 and 0 < settings.false_positive_target < 0.5


def test_it_never_learns_from_the_frozen_parts_of_the_corpus():
    for path in FROZEN_FILES:
        frozen = {s.text.strip() for s in load_statements(path)}
        assert frozen and not frozen & {e.text for e in training_examples()}


def test_it_learns_from_both_development_parts():
    texts = {e.text for e in training_examples() if e.origin == "dev"}
    for path in DEV_FILES:
        assert {s.text for s in load_statements(path)} <= texts


def test_the_catalogue_gives_red_flags_as_positives_and_other_symptoms_as_negatives():
    examples = {e.text: e.red_flag for e in catalogue_examples()}
    assert examples["hearing voices"] is True and examples["constipation"] is False
    assert examples["see bugs"] is True  # "(see|seeing|saw|seen) (bugs|...)" spelled with its first choices


def test_symptom_reports_are_never_negatives():
    texts = {e.text for e in nlu_examples()}
    assert "i don't know" in texts or "I don't know" in texts
    assert not any("seeing things" in t for t in texts)


@pytest.mark.parametrize(
    "text, gone",
    [
        ("no hallucinations, just tired", "hallucinations"),
        ("I'm scared I might have a seizure", "seizure"),
        ("years ago I had a fit when I stopped", "fit"),
        ("no fits, not seeing anything weird, just stiff", "seeing anything weird"),
    ],
)
def test_what_is_not_happening_now_is_masked(nlp, text, gone):
    assert gone not in masked_text(nlp(text.lower()))


def test_present_words_are_kept(nlp):
    assert "think about every breath" in masked_text(nlp("no fever but i have to think about every breath"))


@pytest.mark.parametrize(
    "text, kept",
    [("not sure if im seeing things", "seeing things"), ("i want to end it all", "end it all")],
)
def test_a_cue_kept_for_events_does_not_mask_symptoms(nlp, text, kept):
    """ "if" and "want to" only make an event hypothetical (context_rules.yml `only_for`): masking
    their reach hid "seeing things" from the layer while the lexicon rightly kept it present."""
    assert kept in masked_text(nlp(text))


@pytest.mark.parametrize(
    "text, gone, kept",
    [
        ("i fell down the stairs and hurt myself", "hurt myself", "i"),
        ("ive cut myself down to 10mg a day", "cut myself down", "10mg a day"),
        ("i fell and then i wanted to hurt myself", None, "wanted to hurt myself"),
    ],
)
def test_words_that_only_look_like_a_red_flag_are_masked(nlp, text, gone, kept):
    """The lexicon drops a `not_when` wording's match; the layer must not read it back as a red flag."""
    masked = masked_text(nlp(text))
    assert kept in masked and (gone is None or gone not in masked)


def test_a_sentence_whose_red_flag_words_meant_something_else_is_left_to_the_lexicon(nlp):
    """What is left of "my mum is confused about which pharmacy to use" was read as a red flag."""
    assert scored_parts(nlp("my mum is confused about which pharmacy to use")) == []
    two = nlp("i cut myself some slack today. since then i keep seeing shadows moving on the walls")
    assert [p.text for p in scored_parts(two)] == ["since then i keep seeing shadows moving on the walls"]


def test_a_cue_kept_for_events_masks_the_event(nlp):
    assert "ran empty" not in masked_text(nlp("if my pump ran empty"))


def test_short_parts_and_questions_are_not_scored(nlp):
    assert scored_parts(nlp("not sure")) == []
    assert scored_parts(nlp("would hallucinations or fits be a thing?")) == []
    assert scored_parts(nlp("ran out on monday")) == []  # an answer to the bot's question
    parts = scored_parts(nlp("i feel really strange right now. my heart is doing odd things and i keep blacking out."))
    assert len(parts) == 3 and all(len(p.text.split()) >= MIN_WORDS for p in parts)


@pytest.mark.parametrize(
    "text",
    [
        "I don't know",
        "not sure",
        "no, none of these",
        "tablets",
        "no fever, no confusion, no hallucinations, just tired",
        "I'm worried I might get hallucinations when I stop",
        "what are the signs of an overdose?",
        "years ago I had a seizure when I stopped too fast",
    ],
)
def test_negated_hypothetical_historical_and_answers_never_fire(nlp, red_flag_model, text):
    assert learned_finding(red_flag_model, nlp(text.lower()), load_settings().threshold) is None


@pytest.mark.parametrize(
    "text",
    [
        "I stopped the baclofen and now I have to think about every breath",
        "there are people in my room talking about me but my wife says nobody is there",
    ],
)
def test_red_flags_in_words_the_catalogue_does_not_list_fire(nlp, red_flag_model, text):
    finding = learned_finding(red_flag_model, nlp(text.lower()), load_settings().threshold)
    assert finding is not None and finding["id"] == "possible_red_flag" and finding["assertion"] == "present"
    assert load_settings().threshold <= finding["score"] <= 1


def test_a_development_non_emergencys_sentences_are_negatives_of_their_own(nlp):
    story = "last summer he stopped it and we had a terrible night. now he is fine and back at work every day."
    negative = Example(story, False, "none", "dev")
    sentences = sentence_negatives(negative, nlp(story))
    assert len(sentences) == 2 and all(s in masked_text(nlp(story)) for s in sentences)
    # an emergency's sentences are not (only one of them may carry the red flag), nor one sentence
    assert sentence_negatives(Example(story, True, "confusion", "dev"), nlp(story)) == []
    one = "he is fine and back at work every day"
    assert sentence_negatives(Example(one, False, "none", "dev"), nlp(one)) == []


def test_lexicon_only_phrases_are_matched_but_never_learned(findings):
    """`lexicon_only:` phrases move the layer's threshold if learned (catalogue header); the lexicon
    still finds them."""
    from bot.knowledge import load_catalogue
    from bot.nlp.red_flag_model import catalogue_examples

    lexicon_only = {p for s in load_catalogue().symptoms.values() for p in s.lexicon_only}
    assert "wheezy" in lexicon_only
    assert not lexicon_only & {e.text for e in catalogue_examples()}
    assert "breathing" in {f["id"] for f in findings("i'm all wheezy")}
