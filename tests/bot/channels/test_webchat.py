from bot.channels.webchat import SESSION_ID, WebChatInput, WebChatOutput, allowed_origins


def test_allowed_origins_from_a_comma_separated_list():
    assert allowed_origins("https://clinic.example/, http://localhost:8080") == [
        "https://clinic.example",
        "http://localhost:8080",
    ]


def test_credentials_build_the_channel_with_persistent_sessions():
    channel = WebChatInput.from_credentials({"allowed_origins": "https://clinic.example"})
    assert channel.session_persistence is True
    assert channel.origins == ["https://clinic.example"]
    assert WebChatInput.name() == "webchat"


def test_session_ids_must_be_long_random_looking_ids():
    assert SESSION_ID.match("3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f")
    assert not SESSION_ID.match("1")
    assert not SESSION_ID.match("../../etc/passwd")
    assert not SESSION_ID.match("a" * 65)


async def test_custom_payloads_are_sent_under_custom():
    sent = []

    class FakeServer:
        async def emit(self, event, data, room=None):
            sent.append((event, data, room))

    output = WebChatOutput(FakeServer(), "bot_uttered")
    await output.send_custom_json("session-1234567890abcdef", {"triage": {"level": "emergency"}})
    assert sent == [("bot_uttered", {"custom": {"triage": {"level": "emergency"}}}, "session-1234567890abcdef")]
