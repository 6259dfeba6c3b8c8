"""Text -> findings with context: negation, hypotheticals, history, caregivers, typos, slang."""

import pytest

from bot.nlp.findings import extract_findings, findings_of_text
from bot.nlp.pipeline import shared_pipeline

PRESENT = "present"


@pytest.mark.parametrize(
    "text, expected",
    [
        # lay language, slang and typos
        ("I'm seeing bugs on the walls since I stopped", {("hallucinations", PRESENT), ("stopped_abruptly", PRESENT)}),
        ("hearing voices", {("hallucinations", PRESENT)}),
        ("halucinating all night", {("hallucinations", PRESENT)}),
        ("he had a fit", {("seizure", PRESENT)}),
        ("cant breath", {("breathing", PRESENT)}),
        ("my legs locked up", {("rigidity", PRESENT)}),
        (
            "my pump alarm went off and I'm burning up",
            {("pump", PRESENT), ("pump_problem", PRESENT), ("fever", PRESENT)},
        ),
        ("can't sleep since tapering", {("insomnia", PRESENT), ("tapering", PRESENT)}),
        ("saw spiders crawling on the ceiling", {("hallucinations", PRESENT)}),
        # negation
        ("I have no fever", {("fever", "negated")}),
        ("i dont have a fever", {("fever", "negated")}),
        ("he isn't confused", {("confusion", "negated")}),
        ("haven't had a seizure", {("seizure", "negated")}),
        ("not hallucinating", {("hallucinations", "negated")}),
        # a negation stops at "and", commas, "but", "just": the next finding still counts
        ("no fever and I'm seeing things", {("fever", "negated"), ("hallucinations", PRESENT)}),
        (
            "no seizures and no hallucinations, just poor sleep",
            {("seizure", "negated"), ("hallucinations", "negated"), ("insomnia", PRESENT)},
        ),
        ("no fever but really confused", {("fever", "negated"), ("confusion", PRESENT)}),
        # not negations
        ("i can't stop seeing things", {("hallucinations", PRESENT)}),
        ("i'm not sleeping and i see bugs", {("insomnia", PRESENT), ("hallucinations", PRESENT)}),
        ("I think I might be hallucinating", {("hallucinations", PRESENT)}),
        ("not sure if i'm seeing things", {("hallucinations", PRESENT)}),
        # hypotheticals are questions, not reports
        ("what if I get a seizure", {("seizure", "hypothetical")}),
        ("can stopping baclofen cause seizures?", {("seizure", "hypothetical")}),
        ("can people hallucinate if they stop too fast?", {("hallucinations", "hypothetical")}),
        ("what would happen if my pump ran empty", {("pump_problem", "hypothetical")}),
        # history
        ("I had a seizure as a child", {("seizure", "historical")}),
        ("had fits years ago, now tapering", {("seizure", "historical"), ("tapering", PRESENT)}),
        # numbers
        ("temp is 38.9", {("fever", PRESENT)}),
        ("temperature of 101 f", {("fever", PRESENT)}),
        ("temperature of 37.2, feel ok", set()),
        ("took like 15 of my 10mg tablets", {("took_too_much", PRESENT), ("tablets", PRESENT)}),
        ("i take 20 mg three times a day", set()),
        # twenty or more tablets at once is an overdose (Leung 2006: 200 mg); milligrams are not read
        ("i took 25 of my tablets", {("overdose_taken", PRESENT), ("tablets", PRESENT)}),
        ("took 30 at once", {("overdose_taken", PRESENT)}),
        ("i took 400 mg of ibuprofen", set()),
        ("i have taken 20 years of baclofen", set()),
        ("i took triple my dose", {("took_too_much", PRESENT)}),
        # "out of it" is confusion, "ran out of it" is running out of the tablets
        ("i ran out of it two days ago", {("ran_out", PRESENT)}),
        ("she's completely out of it today", {("confusion", PRESENT)}),
        ("he seems a bit out of it", {("confusion", PRESENT)}),
        ("im out of it and shaky", {("confusion", PRESENT), ("tremor", PRESENT)}),
        # reduced consciousness in a caregiver's words
        ("i can barely get him to open his eyes", {("unresponsive", PRESENT)}),
        ("she's slumped over on the couch", {("unresponsive", PRESENT)}),
        ("very drowsy and difficult to rouse", {("severe_drowsiness", PRESENT), ("unresponsive", PRESENT)}),
        # suicidal warning signs in lay words (988 Lifeline, NHS, Samaritans)
        ("honestly i would rather be dead", {("suicidal", PRESENT)}),
        ("life isn't worth living anymore", {("suicidal", PRESENT)}),
        ("i feel like a burden to everyone", {("suicidal", PRESENT)}),
        ("thinking about ending things", {("suicidal", PRESENT)}),
        ("i don't want to wake up tomorrow", {("suicidal", PRESENT)}),
        ("kms this withdrawal is awful", {("suicidal", PRESENT)}),
        ("i would never hang myself", {("suicidal", "negated")}),
        ("i'm scared i might have thoughts of dying", {("suicidal", "hypothetical")}),
        # paraphrases first missed on the unseen set tests/vignettes/paraphrase.yml
        ("the dog keeps talking to me", {("hallucinations", PRESENT)}),
        ("says the curtains are full of spiders", {("hallucinations", PRESENT)}),
        ("he's away with the fairies", {("confusion", PRESENT)}),
        ("she keeps picking at things in the air", {("confusion", PRESENT)}),
        ("chatting to his nan like she's in the room", {("hallucinations", PRESENT)}),
        ("took way too many of my baclofen", {("took_too_much", PRESENT)}),
        ("taking more baclofen than my doctor said", {("took_too_much", PRESENT)}),
        ("had a couple of wet nights", {("urinary", PRESENT)}),
        ("needing the toilet more", {("urinary", PRESENT)}),
        ("sleep's been a bit patchy", {("insomnia", PRESENT)}),
        # ... and the false alarms those fixes must not bring
        ("I'm seeing someone at the clinic about my legs", set()),
        ("I had way too many spasms today", {("spasticity", PRESENT)}),
        ("the garden is full of flies this summer", set()),
        ("I talk to my late husband every night, it helps", set()),
        ("the radio presenter was talking to me about baclofen", set()),
        ("had 6 beers last night with my baclofen", {("mixed_alcohol", PRESENT)}),
        ("took 8 shots of vodka", {("mixed_alcohol", PRESENT)}),
        ("my nurse was talking to me like she was in a hurry", set()),
        ("she keeps picking at things on her jumper", set()),
        ("it works better than the doctor said", set()),
        ("I've been taking it for too many years", set()),
        # first missed on the fourth unseen set, tests/vignettes/round4.yml
        ("she is talking with people who are not in the room", {("hallucinations", PRESENT)}),
        ("the ceiling keeps melting whenever I look up", {("hallucinations", PRESENT)}),
        ("he keeps asking me what year it is", {("confusion", PRESENT)}),
        ("hes having a seize her right now", {("seizure", PRESENT)}),
        ("now I can't really wake him", {("unresponsive", PRESENT)}),
        ("I wrote letters to my kids saying goodbye", {("suicidal", PRESENT)}),
        ("I've started cutting my arms again", {("suicidal", PRESENT)}),
        ("he swallowed the rest of the bottle", {("suicidal", PRESENT)}),
        ("my father no breathing good", {("breathing", PRESENT)}),
        ("I took all my tablets today as usual", {("tablets", PRESENT), ("as_usual", PRESENT)}),
        ("I'm not confused or anything", {("confusion", "negated")}),
        # ambiguous: "coming off" may be a taper or a stop; it counts as a stop (the safe side)
        ("I'm coming off baclofen", {("stopped_abruptly", PRESENT)}),
        # red flags no context rule or overlapping phrase may hide (a review found these)
        ("I take baclofen for MS fits started this morning", {("seizure", PRESENT)}),
        ("baclofen for my back breathing is slow", {("breathing", PRESENT)}),
        ("the nurse told me to watch for fits and he has had two today", {("seizure", PRESENT)}),
        ("hallucinations seem to be a thing now", {("hallucinations", PRESENT)}),
        ("I feel high temp and my legs are rigid", {("fever", PRESENT), ("rigidity", PRESENT)}),
        # nothing to find
        ("good morning", set()),
        ("", set()),
    ],
)
def test_findings_with_context(pairs, text, expected):
    assert set(pairs(text)) == expected


@pytest.mark.parametrize(
    "text, symptom",
    [
        ("my husband is confused", "confusion"),
        ("mum has been seeing things since her pump ran out", "hallucinations"),
        ("my son has a fever", "fever"),
    ],
)
def test_a_caregivers_report_is_the_patients_symptom(findings, text, symptom):
    found = {f["id"]: f for f in findings(text)}
    assert found[symptom]["assertion"] == PRESENT
    assert found[symptom]["experiencer"] == "other"


def test_a_pump_event_implies_the_pump_route(pairs):
    assert ("pump", PRESENT) in pairs("the alarm keeps beeping")


def test_offsets_point_at_the_words(findings):
    text = "since tuesday i keep seeing bugs"
    (finding,) = findings(text)
    assert text[finding["start"] : finding["end"]] == "seeing bugs"


def test_a_red_flag_wins_an_overlap_with_a_longer_match():
    """`select_spans`: where matches overlap, the red flag is kept even if the other is longer."""
    import spacy
    from spacy.tokens import Span

    from bot.nlp.matcher import select_spans

    doc = spacy.blank("en")("i feel high temperature now")
    craving = Span(doc, 1, 3, label="SYMPTOM", span_id="craving")  # "feel high"
    longer = Span(doc, 0, 3, label="SYMPTOM", span_id="craving")  # "i feel high"
    fever = Span(doc, 2, 4, label="SYMPTOM", span_id="fever")  # "high temperature"
    kept = select_spans([craving, longer, fever], frozenset({"fever"}))
    assert [s.id_ for s in kept] == ["fever"]
    # without red flags: the longest wins, as before
    assert [s.id_ for s in select_spans([craving, longer, fever])] == ["craving"]


def test_a_text_is_read_lower_cased_with_the_callers_pipeline_or_the_shared_one(nlp):
    text = "I have NO Fever but I See BUGS"
    expected = extract_findings(nlp(text.lower()))
    assert [f["id"] for f in expected] == ["fever", "hallucinations"]
    assert findings_of_text(text, nlp) == expected
    assert findings_of_text(text) == expected
    assert shared_pipeline() is shared_pipeline()  # built once per process


@pytest.mark.parametrize(
    "text, stopped",
    [
        ("I haven't had any baclofen for 3 days", True),
        ("havent had any since monday and im shaking", True),
        ("i've not had any for two days", True),
        ("i havent had any of my baclofen for 3 days", True),
        ("havent had any today and im shaking", True),
        ("i havent had any lioresal since friday", True),
        ("I do not have any undesirable side effects at all", False),
        ("I haven't had any side effects", False),
    ],
)
def test_not_having_had_any_is_a_stop_only_of_the_medicine(findings, text, stopped):
    """ "not had any" read by lemma matched "I do not have any side effects" as a stop."""
    assert any(f["id"] == "stopped_abruptly" for f in findings(text)) is stopped


@pytest.mark.parametrize(
    "text, expected",
    [
        # exploratory test 2026-12-01: lay words and slang the lexicon did not know
        ("had a grand mal last night first one ever", "seizure"),
        ("stopped baclofen 2 days ago, had a tonic clonic this morning", "seizure"),
        ("and had a few vodkas, feel proper wasted and can barely stand", "mixed_alcohol"),
        ("had a few vodkas, feel proper wasted and can barely stand up", "floppiness"),
        ("had 6 pints on top of my dose, woke up on the bathroom floor no idea how i got there", "unresponsive"),
        ("took baclofen and was sipping lean, im melting into the couch", "mixed_opioids"),
        ("took baclofen and some lean, im melting into the couch", "severe_drowsiness"),
        ("baclofen pump, refill got pushed back a week", "pump_problem"),
        ("his pump refill was due last tuesday and they cancelled", "pump_problem"),
        ("nurse says its empty", "pump_problem"),
        # development part dev_4 (2026-12-01)
        ("I want to just fade away into the dark", "suicidal"),
        ("Nobody will ever have to worry about me again", "suicidal"),
        ("I won't be an inconvenience to anyone anymore", "suicidal"),
        ("i wont be a burden much longer", "suicidal"),
        ("I began to feel my tongue block my airways", "breathing"),
        ("my breathing became completely compromised", "breathing"),
        ("baclofen makes me feel drunk", "dizziness"),
        # development part dev_5 (2026-12-01)
        ("I want to sleep. It doesn't matter if I wake up.", "suicidal"),
        ("honestly i dont care if i never wake up", "suicidal"),
        ("I wouldn't mind if I didn't wake up tomorrow", "suicidal"),
    ],
)
def test_lay_words_for_red_flags_and_what_happened(findings, text, expected):
    assert expected in {f["id"] for f in findings(text) if f["assertion"] == "present"}


@pytest.mark.parametrize(
    "text, not_found",
    [
        ("i lean on my wife to walk", "mixed_opioids"),
        # a second review of the change (2026-12-01)
        ("i've lost some lean muscle", "mixed_opioids"),
        ("i should have tried harder to taper slowly", "suicidal"),
        ("i wish it had worked, the lower dose i mean", "suicidal"),
        ("his ankle clonus was 30 beats", "heart_rhythm"),
        ("can barely stand the spasms", "floppiness"),
        ("havent had any of those side effects", "stopped_abruptly"),
    ],
)
def test_ordinary_talk_is_not_read_as_these(findings, text, not_found):
    assert not_found not in {f["id"] for f in findings(text)}


@pytest.mark.parametrize(
    "text, expected",
    [
        # a symptom's `not_when` wordings: the taper's own words and falls are not self-harm
        ("I've cut myself down to 10mg a day", {"tapering"}),
        ("i am cutting myself down slowly", {"tapering"}),
        ("I cut him back to two tablets", {"tapering", "tablets"}),
        ("I cut myself shaving", set()),
        ("I fell and hurt myself", set()),
        ("I fell down the stairs and hurt myself", set()),
        ("she hurt herself when she fell", set()),
        ("i'm burning myself out", set()),
        # questions about the medicine, tantrums and laughter
        ("I'm confused about my dose", set()),
        ("I'm a bit confused about how to taper", {"tapering"}),
        ("im confused about which tablets to take", {"tablets"}),
        ("he threw a fit when I took his phone", set()),
        ("my toddler throws fits", set()),
        ("I had a fit of laughter", set()),
        ("he gets fits of coughing", set()),
        # not alcohol: water, soft drinks, injections, good spirits
        ("I'm drinking lots of water", set()),
        ("he is in good spirits", set()),
        ("had my flu shot and covid shots yesterday", set()),
        ("I drink 3 energy drinks a day", set()),
        ("i have had botox shots", set()),
        ("the spasms fade away after an hour", {"spasticity"}),
        ("it doesn't matter if i wake up early, i take it at 8", set()),
        ("i don't care if i wake up early as long as i sleep", set()),
    ],
)
def test_words_that_mean_something_else_are_not_the_symptom(findings, text, expected):
    assert {f["id"] for f in findings(text)} == expected


@pytest.mark.parametrize(
    "text",
    [
        "I cut myself yesterday",
        "I cut myself on purpose",
        "I fell and then I wanted to hurt myself",
        "I hurt myself when I'm alone",
        "i cut myself down to 10mg and now i want to hurt myself",
        "cut myself off baclofen and cut my wrists",
    ],
)
def test_self_harm_beside_those_wordings_stays_a_red_flag(findings, text):
    assert ("suicidal", PRESENT) in {(f["id"], f["assertion"]) for f in findings(text)}


@pytest.mark.parametrize(
    "text",
    [
        "I'm drunk",
        "drinking vodka and water",
        "I feel drunk after 4 beers",
        "had 3 shots of tequila",
        "been drinking tonight",
    ],
)
def test_alcohol_outside_those_wordings_is_still_alcohol(findings, text):
    assert "mixed_alcohol" in {f["id"] for f in findings(text) if f["assertion"] == PRESENT}


@pytest.mark.parametrize(
    "text, red_flag",
    [
        ("he's confused about what day it is", "confusion"),
        ("confused about how i got here", "confusion"),
        ("she is confused about the time", "confusion"),
        ("im confused about my dose and i dont know where i am", "confusion"),
        ("he had a fit", "seizure"),
        ("threw up and had a fit", "seizure"),
        ("had a fit of coughing then a seizure", "seizure"),
    ],
)
def test_confusion_and_fits_outside_those_wordings_stay_red_flags(findings, text, red_flag):
    assert (red_flag, PRESENT) in {(f["id"], f["assertion"]) for f in findings(text)}


# A collision probe of the running bot (a helper writing as baclofen users, 2026-12-01): ordinary
# words that held a red flag's or an event's phrase, and the emergencies written right beside them.
@pytest.mark.parametrize(
    "text, not_found",
    [
        ("I lost my mind trying to sort out the pharmacy insurance for my refill", "psychosis"),
        ("My smoke alarm keeps beeping and it's driving me crazy", "psychosis"),
        ("I'm muddled about the new tablet strength", "confusion"),
        ("I'm a bit mixed up about the taper dates", "confusion"),
        ("The leaflet doesn't make sense to me", "confusion"),
        ("Delirious with joy: first day without spasms!", "confusion"),
        ("My mum is confused about which pharmacy to use", "confusion"),
        ("We blacked out the bedroom windows so I can sleep better", "unresponsive"),
        ("The clinic has been unresponsive to my emails about my refill", "unresponsive"),
        ("I collapsed into bed after physio", "unresponsive"),
        ("I had a food coma after Sunday lunch", "unresponsive"),
        ("I'm breathless with excitement", "breathing"),
        ("Cabin fever is getting to me", "fever"),
        ("My temperature is 37.2, is that a fever?", "fever"),
        ("I can't breathe through my nose because of this cold", "breathing"),
        ("I'm on anti-seizure medication (levetiracetam)", "seizure"),
        ("My seizure meds were changed last week", "seizure"),
        ("Seizure-free for 3 years", "seizure"),
        ("My sleep comes in fits and starts since I cut down", "seizure"),
        ("My mum would have a fit if she knew", "seizure"),
        ("We had a fit of the giggles at physio", "seizure"),
        ("My dog had a seizure this morning", "seizure"),
        ("I'm taking my life back: off baclofen after 10 years!", "suicidal"),
        ("I overdosed on chocolate at Christmas", "overdose_taken"),
        ("How much baclofen is an overdose?", "overdose_taken"),
        ("I'm seeing things differently now that the spasms are better", "hallucinations"),
        ("I'm itching to get my pump refilled", "itching"),
        ("My pump refill schedule is so rigid", "rigidity"),
        ("I stopped by the pharmacy to pick up my baclofen", "stopped_abruptly"),
        ("I stopped taking ibuprofen because it upset my stomach", "stopped_abruptly"),
        ("I hear you, I won't stop suddenly", "stopped_abruptly"),
        ("Cold turkey sandwiches for lunch today", "stopped_abruptly"),
        ("I ran out of patience with the pharmacy queue", "ran_out"),
        ("I'm running out of ideas for managing the spasms", "ran_out"),
        ("I missed the bus to the clinic", "missed_doses"),
        ("I missed my physio appointment yesterday", "missed_doses"),
        ("I took too much time off work because of the spasms", "took_too_much"),
        ("My doctor doubled my dose to 20mg three times a day", "took_too_much"),
        ("can I take an extra baclofen?", "took_too_much"),
        ("My insulin pump alarm went off but it was just an air bubble", "pump_problem"),
        ("My bike pump broke so I couldn't cycle to physio", "pump_problem"),
        ("My alarm clock didn't go off", "pump_problem"),
        ("My pump battery has 6 months left", "pump_problem"),
    ],
)
def test_ordinary_words_that_held_a_phrase_are_not_read_as_it(findings, text, not_found):
    assert not_found not in {f["id"] for f in findings(text) if f["assertion"] == PRESENT}


@pytest.mark.parametrize(
    "text, red_flag",
    [
        ("No one can wake him up", "unresponsive"),
        ("Nobody can wake her", "unresponsive"),
        ("No response from him at all, he took extra baclofen", "unresponsive"),
        ("I can't tell if he's breathing", "breathing"),
        ("not breathin", "breathing"),
        ("hes not breething", "breathing"),
        ("hes havin a sezure", "seizure"),
        ("my son is fiting", "seizure"),
        ("I keep hitting myself on purpose since I stopped baclofen", "suicidal"),
        ("I've never felt this confused before, I stopped baclofen last week", "confusion"),
        ("never seen her this confused", "confusion"),
        # beside the wordings above
        ("I can't breathe through my nose or mouth", "breathing"),
        ("I can't breathe through my nose at all and my lips are going blue", "breathing"),
        ("she is confused about the date", "confusion"),
        ("he's all mixed up about the time", "confusion"),
        ("my dog barked and then my husband had a seizure", "seizure"),
        ("he is driving and seeing things that aren't there", "hallucinations"),
        ("can you get help he is not breathing", "breathing"),
        ("what do i do if he stopped breathing", "breathing"),
        ("he mentions seeing bugs on the wall", "hallucinations"),
        ("no fever, seizures though", "seizure"),
        ("no fever and he is having seizures", "seizure"),
        ("no fever or anything but he had a seizure", "seizure"),
        ("watch out for fever, he is having seizures", "seizure"),
    ],
)
def test_emergencies_written_beside_them_stay_red_flags(findings, text, red_flag):
    assert (red_flag, PRESENT) in {(f["id"], f["assertion"]) for f in findings(text)}


@pytest.mark.parametrize(
    "text, listed, assertion",
    [
        ("I don't have a fever or seizures, just more spasms", "seizure", "negated"),
        ("Without any fever or confusion, I just have itching", "confusion", "negated"),
        ("watch out for fever, hallucinations and seizures during the taper", "seizure", "hypothetical"),
    ],
)
def test_a_negation_or_a_question_carries_along_a_list(findings, text, listed, assertion):
    assert (listed, assertion) in {(f["id"], f["assertion"]) for f in findings(text)}


def test_two_instead_of_one_is_taking_too_much(findings):
    assert "took_too_much" in {f["id"] for f in findings("I took 2 instead of 1 this morning by mistake")}
    assert "took_too_much" in {f["id"] for f in findings("gave him two tablets instead of one")}


# A review of the change (2026-12-01): real emergencies that the first not_when wordings and cues hid.
@pytest.mark.parametrize(
    "text, red_flag",
    [
        ("he had a fit when he got home and he's still shaking", "seizure"),
        ("my son had a fit when he saw the flashing lights", "seizure"),
        ("his seizure alert went off and he's jerking in bed", "seizure"),
        ("I think he will have a fit any second, he's twitching and staring", "seizure"),
        ("I slipped up and hurt myself again last night", "suicidal"),
        ("I fell apart last night and hurt myself", "suicidal"),
        ("I fell into a dark place and hurt myself", "suicidal"),
        ("she's cut herself down her arm and there's a lot of blood", "suicidal"),
        ("I burned myself on the iron on purpose", "suicidal"),
        ("i dont want to live on baclofen or at all anymore", "suicidal"),
        ("I can't breathe through my nose, my throat feels like it's closing", "breathing"),
        ("i cant breathe through my nose , or my mouth", "breathing"),
        ("found dad at his computer totally unresponsive", "unresponsive"),
        ("he is on the phone now unresponsive", "unresponsive"),
        ("I think this is an overdose", "overdose_taken"),
        ("he keeps talking but it doesn't make sense", "confusion"),
        ("would a seizure be this long, it's been 6 minutes", "seizure"),
        ("can you get seizures from stopping? he just had one", "seizure"),
        ("they warned us about fits and he had one an hour ago", "seizure"),
        ("the leaflet mentions suicidal thoughts, I have those every day now", "suicidal"),
        ("neither he cant breathe", "breathing"),
        ("I wonder if he took too much, unresponsive and breathing slowly", "unresponsive"),
        ("if he missed doses, seizures and hallucinations have started", "seizure"),
        ("he won\u2019t wake up", "unresponsive"),
        ("he has no pulse", "unresponsive"),
        ("he's not moving or breathing", "breathing"),
        ("he can't catch his breath", "breathing"),
    ],
)
def test_emergencies_a_review_found_hidden_stay_red_flags(findings, text, red_flag):
    assert (red_flag, PRESENT) in {(f["id"], f["assertion"]) for f in findings(text)}


@pytest.mark.parametrize(
    "text, event",
    [
        ("my pump refill was due on monday but they cancelled it and now I'm itchy and stiff", "pump_problem"),
        ("he took an extra 8 tablets as the doctor said he could have extra", "took_too_much"),
    ],
)
def test_what_happened_stays_read_beside_those_wordings(findings, text, event):
    assert event in {f["id"] for f in findings(text) if f["assertion"] == PRESENT}
