"""The channel guard: nothing is lost in silence, an emergency is answered without the action server."""

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels import guard
from bot.settings import max_message_chars


class Domain:
    responses = {
        "utter_level_emergency": [{"text": "EMERGENCY: call {emergency_number} now."}],
        "utter_service_trouble": [{"text": "Sorry, try again. Urgent? Call {emergency_number}."}],
        "utter_message_too_long": [{"text": "Too long (max {max_chars})."}],
        "utter_crisis_line": [{"text": "Crisis line: {crisis_line}."}],
    }


class Agent:
    """The parts of a loaded Rasa agent the guard uses: the domain only (no NLU, no store)."""

    domain = Domain()


async def run(text, handler, agent=None):
    out = CollectingOutputChannel()
    await guard.deliver(handler, UserMessage(text, out, "someone"), agent or Agent())
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

    messages = await run("x" * (max_message_chars() + 1), record)
    assert seen == []
    assert messages[0]["text"] == f"Too long (max {max_message_chars()})."
    assert max_message_chars() == 2000


async def test_the_length_limit_is_read_when_a_message_comes_not_at_import(monkeypatch):
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "10")
    assert (await run("x" * 11, answering))[0]["text"] == "Too long (max 10)."
    assert (await run("x" * 10, answering))[0]["text"] == "echo " + "x" * 10


def entity(symptom, role="present", extractor="SymptomExtractor"):
    return {"entity": "symptom", "value": symptom, "role": role, "extractor": extractor, "start": 0, "end": 1}


class ParsingAgent(Agent):
    """An agent whose NLU finds what it is told to (the learned layer's finding, here)."""

    def __init__(self, entities, store=None):
        self.entities = entities
        self.tracker_store = store
        self.parsed = []

    async def parse_message(self, text):
        self.parsed.append(text)
        return {"text": text, "entities": self.entities}


async def test_the_loaded_models_nlu_decides_so_the_learned_layer_counts_too():
    agent = ParsingAgent([entity("possible_red_flag", extractor="RedFlagClassifier")])
    messages = await run("I have to think about every breath", silent, agent)
    assert messages[0]["text"] == "EMERGENCY: call 911 now."
    assert messages[1]["custom"]["triage"]["symptoms"] == ["possible_red_flag"]


async def test_an_emergency_built_over_several_turns_is_answered_from_the_tracker():
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    earlier = UserUttered(
        "my pump alarm went off",
        parse_data={"entities": [{"entity": "event", "value": "pump_problem", "role": "present"}]},
    )

    class Store:
        async def retrieve(self, sender_id):
            return DialogueStateTracker.from_events(sender_id, [earlier])

    agent = ParsingAgent([entity("itching")], Store())
    messages = await run("now I'm itchy all over", silent, agent)
    assert messages[1]["custom"]["triage"]["level"] == "emergency"
    # The same message alone is not an emergency: without the store it is an apology.
    assert "Sorry" in (await run("now I'm itchy all over", silent, ParsingAgent([entity("itching")])))[0]["text"]


async def test_a_tracker_store_that_fails_still_leaves_the_message_judged():
    class Broken:
        async def retrieve(self, sender_id):
            raise ConnectionError("database down")

    messages = await run("seeing bugs", silent, ParsingAgent([entity("hallucinations")], Broken()))
    assert messages[1]["custom"]["triage"]["level"] == "emergency"


async def test_an_emergency_in_a_too_long_message_is_answered_before_the_refusal():
    seen = []

    async def record(message):
        seen.append(message)

    text = "I stopped my baclofen and I'm seeing bugs on the walls. " + "x" * max_message_chars()
    messages = await run(text, record)
    assert seen == []  # never handled as a turn
    assert messages[0]["text"] == "EMERGENCY: call 911 now."
    assert messages[1]["custom"]["triage"]["level"] == "emergency"
    assert messages[-1]["text"] == f"Too long (max {max_message_chars()})."


async def test_a_too_long_message_is_scanned_in_a_bounded_number_of_pieces():
    agent = ParsingAgent([])
    await run("y" * max_message_chars() * (guard.MAX_SCANNED_PIECES + 5), answering, agent)
    assert len(agent.parsed) == guard.MAX_SCANNED_PIECES


async def test_without_a_domain_the_built_in_texts_are_used():
    out = CollectingOutputChannel()
    await guard.deliver(silent, UserMessage("hello", out, "someone"), None)
    assert "911" in out.messages[0]["text"]


async def test_a_lone_surrogate_gets_a_clear_answer_and_is_not_processed():
    seen = []

    async def record(message):
        seen.append(message)

    messages = await run("\ud800 hello", record)
    assert seen == [] and "could not read that message" in messages[0]["text"]


async def test_when_the_database_failed_during_the_turn_the_computed_reply_is_not_sent():
    from bot.stores import trouble

    async def fresh_start(message):  # what Rasa does when the store fails: a reply from a fresh tracker
        trouble.record(message.sender_id)
        await message.output_channel.send_response(message.sender_id, {"text": "How is the baclofen taken?"})

    messages = await run("my legs are stiff", fresh_start)
    assert [m["text"] for m in messages] == [guard.response_text(None, "utter_store_trouble")]
    messages = await run("I'm seeing bugs on the walls", fresh_start)
    assert messages[0]["text"] == "EMERGENCY: call 911 now."
    assert "not saved" in messages[-1]["text"]


async def test_another_conversations_database_trouble_does_not_touch_this_one():
    from bot.stores import trouble

    trouble.record("somebody else")
    assert await run("hello", answering) == [{"recipient_id": "someone", "text": "echo hello"}]


async def test_a_turn_that_hangs_is_answered_by_the_guard(monkeypatch):
    import asyncio

    monkeypatch.setenv("TURN_TIMEOUT_SECONDS", "0.2")

    async def hangs(message):
        await asyncio.sleep(10)

    messages = await run("I took the whole bottle", hangs)
    assert messages[0]["text"] == "EMERGENCY: call 911 now."
    assert "Sorry" in (await run("hello", hangs))[0]["text"]


async def test_rasa_keeps_each_channels_conversation_apart_and_replies_go_to_the_channels_own_id():
    seen = []

    async def record(message):
        seen.append(message.sender_id)
        await message.output_channel.send_response(message.sender_id, {"text": "hi"})

    out = CollectingOutputChannel()
    await guard.deliver(record, UserMessage("hello", out, "123456", input_channel="rest"), Agent())
    assert seen == ["rest:123456"]
    assert out.messages == [{"recipient_id": "123456", "text": "hi"}]
    assert guard.conversation_id("telegram", "123456") != guard.conversation_id("rest", "123456")


def test_the_rate_limit_allows_a_burst_then_one_message_per_refill():
    limit = guard.RateLimit()
    assert (limit.burst, limit.refill_seconds) == (8, 1.5)
    assert all(limit.allow("a", now=0.0) for _ in range(limit.burst))
    assert not limit.allow("a", now=0.0)
    assert limit.allow("b", now=0.0), "another conversation is not affected"
    assert limit.allow("a", now=limit.refill_seconds)


def test_the_rate_limit_is_read_at_the_first_message(monkeypatch):
    limit = guard.RateLimit()
    monkeypatch.setenv("RATE_LIMIT_BURST", "2")
    assert [limit.allow("a", now=0.0) for _ in range(3)] == [True, True, False]
    monkeypatch.setenv("RATE_LIMIT_BURST", "5")
    assert limit.burst == 2, "then kept: the buckets are made once"


async def test_a_flood_from_one_sender_gets_slow_down_but_a_red_flag_is_still_a_turn(monkeypatch):
    monkeypatch.setattr(guard, "RATE_LIMIT", guard.RateLimit())
    handled = []

    async def record(message):
        handled.append(message.text)
        await message.output_channel.send_response(message.sender_id, {"text": "ok"})

    for _ in range(guard.RATE_LIMIT.burst):
        await run("hello", record)
    slowed = await run("hello", record)
    assert "faster than I can read" in slowed[-1]["text"] and len(handled) == guard.RATE_LIMIT.burst
    red_flag = await run("I'm seeing bugs on the walls", record)
    assert handled[-1] == "I'm seeing bugs on the walls", "Rasa got it: the conversation keeps the red flag"
    assert red_flag == [{"recipient_id": "someone", "text": "ok"}]


async def test_the_guard_sends_the_shared_triage_payload_marked_fallback():
    from bot.settings import region_numbers
    from bot.triage import triage_payload

    assessment = await guard.emergency_in("i'm seeing bugs on the wall")
    (advice,) = guard.emergency_messages(assessment, Agent())
    assert advice["custom"]["triage"] == triage_payload(assessment, region_numbers(), fallback=True)


async def test_without_the_action_server_the_number_is_that_of_the_region_the_person_named():
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    class Store:
        async def retrieve(self, sender_id):
            return DialogueStateTracker.from_events(sender_id, [UserUttered("we live in australia")])

    messages = await run("seeing bugs", silent, ParsingAgent([entity("hallucinations")], Store()))
    assert messages[0]["text"] == "EMERGENCY: call 000 now."
    assert messages[1]["custom"]["triage"]["contact"]["emergency_number"] == "000"
    # said in the message itself, with no tracker store
    messages = await run("should i ring 999, he is fitting", silent)
    assert messages[0]["text"] == "EMERGENCY: call 999 now."
    messages = await run("should i ring 999?", silent)
    assert messages == [{"recipient_id": "someone", "text": "Sorry, try again. Urgent? Call 999."}]
