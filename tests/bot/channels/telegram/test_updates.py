"""Reading an update: commands, texts, button presses, captions, edits, and what is ignored."""

import pytest

from bot.channels.telegram.updates import parse_update, rasa_texts
from tests.bot.channels.telegram.builders import CHAT, message, update


@pytest.mark.parametrize(
    "text, sent",
    [
        ("I see bugs", ("I see bugs",)),
        ("/start", ("hi",)),
        ("/start deep-link-payload", ("hi",)),
        ("/help@baclofen_bot", ("what can you do",)),
        ("/HELP", ("what can you do",)),
        ("/restart", ("start again",)),
        ('/red_flag{"symptom": "fever"}', ('red_flag{"symptom": "fever"}',)),
        ("/ /greet", ("greet",)),
        ("//fever", ("fever",)),
        ("/", ()),
        ("   ", ()),
    ],
)
def test_commands_are_mapped_and_no_intent_syntax_reaches_rasa(text, sent):
    assert rasa_texts(text) == sent


def test_a_text_message():
    incoming = parse_update(update(message=message(text="I stopped baclofen")))
    assert (incoming.kind, incoming.chat_id, incoming.texts) == ("text", CHAT, ("I stopped baclofen",))
    assert incoming.metadata == {"telegram": {"update_id": 7, "message_id": 11, "user_id": 99}}


def test_a_button_press():
    query = {"id": "cb1", "from": {"id": 99}, "data": "tablets", "message": message(text="How is it taken?")}
    incoming = parse_update(update(callback_query=query))
    assert (incoming.kind, incoming.chat_id, incoming.texts, incoming.callback_query_id) == (
        "callback",
        CHAT,
        ("tablets",),
        "cb1",
    )


@pytest.mark.parametrize(
    "content",
    [
        {"sticker": {"file_id": "s", "emoji": "👍"}},
        {"photo": [{"file_id": "p", "width": 90, "height": 90}]},
        {"voice": {"file_id": "v", "duration": 3}},
        {"location": {"latitude": 1.0, "longitude": 2.0}},
        {"new_chat_title": "anything without text"},
    ],
)
def test_updates_without_text_are_unsupported_not_ignored(content):
    incoming = parse_update(update(message=message(**content)))
    assert (incoming.kind, incoming.chat_id, incoming.texts) == ("unsupported", CHAT, ())


def test_a_caption_is_read_and_the_attachment_noted():
    incoming = parse_update(update(message=message(photo=[{"file_id": "p"}], caption="my rash since stopping")))
    assert (incoming.kind, incoming.texts, incoming.attachment) == ("text", ("my rash since stopping",), True)


def test_an_edited_message_is_read_as_a_new_message():
    incoming = parse_update(update(edited_message=message(text="and now I see bugs", edit_date=1)))
    assert (incoming.kind, incoming.texts) == ("text", ("and now I see bugs",))
    assert incoming.metadata["telegram"]["edited"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"my_chat_member": {"chat": {"id": CHAT}}},
        {"message": message(text="hi", **{"from": {"id": 1, "is_bot": True}})},
    ],
)
def test_updates_that_no_person_sent_to_the_bot_are_ignored(body):
    assert parse_update(update(**body)).kind == "ignored"
