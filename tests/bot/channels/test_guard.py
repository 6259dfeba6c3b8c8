"""The channel guard: nothing is lost in silence, an emergency is answered without the action server."""

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels import guard


class Domain:
    responses = {
        "utter_level_emergency": [{"text": "EMERGENCY: call {emergency_number} now."}],
        "utter_service_trouble": [{"text": "Sorry, try again. Urgent? Call {emergency_number}."}],
        "utter_message_too_long": [{"text": "Too long (max {max_chars})."}],
        "utter_crisis_line": [{"text": "Crisis line: {crisis_line}."}],
    }


async def run(text, handler, monkeypatch=None):
    out = CollectingOutputChannel()
    await guard.deliver(handler, UserMessage(text, out, "someone"), Domain())
    return out.messages


async def silent(message):  # the action server is down: Rasa answers nothing
    return None


async def failing(message):
    raise RuntimeError("boom")


async def answering(message):
    await message.output_channel.send_response(message.sender_id, {"text": f"echo {message.text}"})


async def test_an_emergency_is_answered_when_the_bot_is_silent():
    messages = await run("I stopped baclofen and I'm seeing bugs on the wall", silent)
    assert messages[0]["text"] == "EMERGENCY: call 911 now."
    assert messages[1]["custom"]["triage"]["level"] == "emergency"
    assert messages[1]["custom"]["triage"]["fallback"] is True


async def test_suicidal_thoughts_get_the_crisis_line_too():
    messages = await run("i want to end my life", failing)
    assert [m.get("text") for m in messages if m.get("text")][-1].startswith("Crisis line: 988")


@pytest.mark.parametrize("handler", [silent, failing])
async def test_anything_else_gets_an_apology_with_the_number(handler):
    messages = await run("my legs are a bit stiff", handler)
    assert messages == [{"recipient_id": "someone", "text": "Sorry, try again. Urgent? Call 911."}]


async def test_a_normal_turn_is_passed_through_untouched():
    assert await run("hello", answering) == [{"recipient_id": "someone", "text": "echo hello"}]


async def test_a_leading_slash_cannot_reach_rasas_intent_shortcut():
    messages = await run('/inform_route{"route": "pump"}', answering)
    assert messages[0]["text"] == 'echo inform_route{"route": "pump"}'


async def test_too_long_is_refused_with_a_message_and_not_processed():
    seen = []

    async def record(message):
        seen.append(message)

    messages = await run("x" * (guard.MAX_MESSAGE_CHARS + 1), record)
    assert seen == []
    assert messages[0]["text"] == f"Too long (max {guard.MAX_MESSAGE_CHARS})."


async def test_without_a_domain_the_built_in_texts_are_used():
    out = CollectingOutputChannel()
    await guard.deliver(silent, UserMessage("hello", out, "someone"), None)
    assert "911" in out.messages[0]["text"]
