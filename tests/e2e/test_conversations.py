"""Whole conversations over REST: the flows the issue names, and bad input."""

import pytest

from tests.e2e.conftest import texts

pytestmark = pytest.mark.e2e


def level(replies):
    levels = [r["custom"]["triage"]["level"] for r in replies if "triage" in (r.get("custom") or {})]
    return levels[0] if levels else None


def test_greeting_says_what_it_does_and_that_it_is_not_a_diagnosis(chat):
    replies = chat("hi")
    assert "not a diagnosis" in " ".join(texts(replies))


def test_full_assessment_asks_only_what_it_needs(chat):
    replies = chat("i ran out of baclofen on friday and my legs are stiff")
    assert "tablets" in texts(replies)[-1].lower() and level(replies) is None
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["tablets", "pump", "I don't know"]
    replies = chat("tablets")
    assert "anything else" in texts(replies)[-1].lower()
    replies = chat("no that's all")
    assert "is any of these happening now" in texts(replies)[-1].lower() and level(replies) is None
    assert [b["title"] for b in replies[-1]["buttons"]] == ["Yes, one of these", "No, none of these"]
    replies = chat("no, none of these")
    assert level(replies) == "urgent"
    assert replies[0]["text"].startswith("URGENT")
    assert any("not a diagnosis" in t for t in texts(replies))


def test_a_red_flag_in_the_middle_of_the_form_interrupts_it_at_once(chat):
    chat("my legs are really tight since yesterday")
    replies = chat("now i'm seeing spiders on the ceiling")
    assert level(replies) == "emergency"
    assert texts(replies)[0].startswith("EMERGENCY: call 911")
    # the form is over: the next message is not taken as an answer to its question, and whatever
    # is written next gets the emergency advice again first
    after = chat("tablets")
    assert texts(after)[0].startswith("What you told me needs emergency help. Please call 911 now")
    assert not any("anything else" in t for t in texts(after))


def test_a_question_in_the_middle_of_the_form_is_answered_then_the_form_goes_on(chat):
    chat("i stopped my baclofen and i feel shaky")
    replies = chat("is baclofen addictive?")
    assert "Source:" in texts(replies)[0]
    assert "tablets" in texts(replies)[-1].lower()


def test_an_answer_the_bot_does_not_understand_gets_the_question_again(chat):
    chat("i ran out of baclofen on friday and my legs are stiff")
    replies = chat("zxqv blorp")
    assert "did not understand" in texts(replies)[0].lower()
    assert "tablets" in texts(replies)[-1].lower(), "the form asks its question again"
    replies = chat("tablets")
    assert "anything else" in texts(replies)[-1].lower()


def test_leaving_in_the_middle_of_the_assessment_still_gives_it(chat):
    chat("i ran out of baclofen on friday and my legs are stiff")
    replies = chat("bye")
    assert level(replies) == "urgent"
    assert "take care" in texts(replies)[-1].lower()


def test_a_correction_of_the_route_is_used(chat):
    chat("i missed my baclofen and i'm itchy")
    chat("tablets")
    replies = chat("actually it's a pump") + chat("no that's all") + chat("no, none of these")
    (triage,) = [r["custom"]["triage"] for r in replies if "triage" in (r.get("custom") or {})]
    assert triage["level"] in ("urgent", "emergency")
    assert any("pump" in reason["text"] for reason in triage["reasons"])


def test_negation_is_respected(chat):
    chat("i'm tapering with my doctor, no fever, no hallucinations, just tired")
    chat("tablets")
    chat("that's all")
    assert level(chat("no")) == "routine"


def test_start_again_forgets_everything(chat):
    chat("i'm seeing bugs on the wall")
    chat("start again")
    chat("i'm cutting down with my gp and sleeping badly")
    chat("tablets")
    chat("no")
    assert level(chat("no")) == "routine", "the screen is asked again after a restart"


@pytest.mark.parametrize(
    "text", ["", "   ", "😀😀😀", "x" * 5000, "¿Qué es el baclofeno?", "/restart", '/inform_route{"route":"pump"}']
)
def test_bad_input_gets_a_clear_answer_and_the_bot_keeps_working(chat, text):
    replies = chat(text)
    assert isinstance(replies, list)
    follow = chat("hello")
    assert texts(follow), "the bot still answers after bad input"
