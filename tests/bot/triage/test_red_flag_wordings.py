"""Every red flag, in several lay wordings, is an emergency from the text alone (pipeline + engine)."""

import pytest

from bot.triage import assess, situation_from_turns

WORDINGS = {
    "hallucinations": [
        "i keep seeing bugs crawling on the wall",
        "hes hearing voices that arent there",
        "halucinating since sunday",
        "there are people in my room who aren't there",
        "baclofen withdrawl, im tripping balls",
    ],
    "psychosis": [
        "she's convinced the neighbours are after her, totally paranoid",
        "hes gone psychotic",
        "since quitting baclofen i think people are plotting against me",
    ],
    "seizure": [
        "she had a seizure this morning",
        "he had a fit in the kitchen",
        "convulsing on the floor",
        "had a siezure",
    ],
    "confusion": [
        "my husband is confused",
        "she doesnt know where she is",
        "he's talking nonsense",
        "totally disoriented",
        # in the first person, the "not" is part of the symptom, not a denial of it (exploratory test)
        "stopped baclofen yesterday and i'm not making any sense",
        "im not thinking clearly since running out of baclofen",
        "ran out of baclofen and i can't remember what day it is",
    ],
    "fever": ["i'm burning up", "temp is 39.2", "got a high temperature", "running a fever"],
    "breathing": ["cant breath properly", "struggling to breathe", "his breathing is really slow", "short of breath"],
    "heart_rhythm": [
        "my heartbeat is irregular and i feel faint",
        "pulse is really slow, about 40",
        "heart keeps skipping beats",
    ],
    "unresponsive": ["i can't wake him up", "she passed out", "he collapsed", "my dad is unresponsive"],
    "suicidal": [
        "i don't want to be here anymore",
        "thinking of ending it all",
        "i want to kill myself",
        "been hurting myself",
    ],
}

COMBINATIONS = [
    "i have a baclofen pump and my legs have gone rigid",
    "pump alarm is beeping and i'm itchy all over",
    "my pump ran empty and the spasms are back",
    "took a whole strip of baclofen and i can't stay awake",
    "had loads of vodka with my baclofen and now i'm so drowsy",
    "took 20 tablets and i keep throwing up",
    # a second exploratory test (2026-11-30): all urgent, routine, self-care or unread before
    "no she is confused though",
    "no he had a seizure an hour ago",
    "i stopped my baclofen 2 days ago and i cant get up without passing out",
    "is it normal to see bugs on the wall 3 days after stopping baclofen?",
    "please help cause my husband is talking nonsense, he stopped baclofen",
    "i've been stockpiling my baclofen tablets, just in case i decide i've had enough",
    "i just want to go to sleep and not wake up",
    "i'd be better off gone",
    "gonna take the lot tonight",
    "she's incoherent and doesn't know what year it is",
    "i cant breeth properly ran out of baclophen",
    "wheezing and my chest is tight",
    "heart keeps missing beats",
    "i saw my dead mother standing in the kitchen",
    "took xanax with my baclofen and im super slurry and wobbly",
    "had 6 beers and can barely keep my head up, on baclofen",
    "took my baclofen twice by mistake and now i'm throwing up",
    "found my toddler chewing on my baclofen pills, not sure how many",
    "my 2 year old ate 3 tablets",
    "her pump refill got missed last week, she has tremors and sweats",
    "i have a baclofen pump and my legs feel like concrete today",
    # found by an exploratory test as a person would write (2026-11-30), all urgent or routine before
    "took baclofen with my percocet and i feel like a zombie, can barely move",
    "took extra baclofen plus my oxycodone, feel real heavy",
    "had my pump refilled this morning and now im super weak and sleepy and my legs are floppy",
    "after the pump dose was increased yesterday i feel light headed and really drowsy",
    "missed my baclofen, heart is pounding like crazy and I feel faint",
    "i'm fine, nothing wrong, just the pump alarm keeps going off and my legs are rock hard",
]


def level_of(findings, text):
    return assess(situation_from_turns([findings(text)])).level


@pytest.mark.parametrize("symptom, text", [(s, t) for s, texts in WORDINGS.items() for t in texts])
def test_red_flag_wordings(findings, symptom, text):
    assert symptom in {f["id"] for f in findings(text) if f["assertion"] == "present"}
    assert level_of(findings, text) == "emergency"


@pytest.mark.parametrize("text", COMBINATIONS)
def test_emergency_combinations_in_one_message(findings, text):
    assert level_of(findings, text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "no fever, no fits, no hallucinations",
        "what if i start seeing things?",
        "i had a seizure as a teenager",
        "can stopping baclofen cause confusion?",
        "i'm not confused and i'm thinking clearly",
        "my pump was refilled today and i feel fine",
        "my heart is racing since i stopped",
    ],
)
def test_denied_hypothetical_or_past_red_flags_are_not_emergencies(findings, text):
    assert level_of(findings, text) != "emergency"


# Exploratory test, third round (2026-11-30): pump withdrawal in lay words, and numbers in words.
@pytest.mark.parametrize(
    "text",
    [
        "my pump went dry, the clinic forgot to book me, i'm scratching like mad and my legs have gone solid",
        "ITB pump refill missed, feeling faint, bp was 80 over something when i checked",
        "my intrathecal thing needed topping up 3 days ago and nobody came, now im really itchy",
        "mum stopped her baclofen, shes been talking to her sister who died years ago like shes in the room",
        "took gabapentin, baclofen and a sleeping pill, my gf is worried cuz im mumbling",
        "been drinking since lunch and took my baclofen like normal, now i cant really stand up",
        "no baclofen for 2 days, im boiling hot, sweating buckets, heart pounding",
        "ran out of baclofen and I feel really hot and clammy",
    ],
)
def test_third_round_emergencies(findings, text):
    assert level_of(findings, text) == "emergency"


# The development part dev_3 (2026-12-01): what its first run missed, in the words of published
# warning signs rather than its own sentences where they could be.
@pytest.mark.parametrize(
    "text",
    [
        "i shouldn't have made it through that night, i should have tried harder",
        "now i want to fucking die",
        "i wish i hadn't woken up",
        "i had emptied half the medicine cupboard",
        "my heart was beating too slowly, as low as 30 a minute",
        "heart rate was only about 35 beats per minute",
    ],
)
def test_development_part_three_emergencies(findings, text):
    assert level_of(findings, text) == "emergency"


def test_hot_weather_is_not_a_fever(findings):
    assert level_of(findings, "its really hot weather here and im a bit sweaty") != "emergency"


@pytest.mark.parametrize("text", ["my blood pressure is 120 over 80", "my pump alarm went off, bp 120 over 80"])
def test_a_normal_reading_in_words_is_not_low_blood_pressure(findings, text):
    assert "low_blood_pressure" not in {f["id"] for f in findings(text)}
    assert level_of(findings, text) != "emergency"
