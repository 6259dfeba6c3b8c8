"""Reading what the bot understood from the conversation it stored (bot/flows/bots.py)."""

from typing import Any, Dict

from bot.flows.bots import RemoteBot, latest_understood

FEVER = {"entity": "symptom", "value": "fever", "role": "present", "start": 0, "end": 5}
FEVER["extractor"] = "SymptomExtractor"


def user(text: str, intent: str, entities=()) -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": list(entities)}}


def test_the_latest_typed_message_is_read_not_a_checkin_nor_a_bot_message():
    events = [
        user("i have a fever", "report_symptoms", [FEVER]),
        {"event": "bot", "text": "How is it taken?"},
        user("EXTERNAL: EXTERNAL_checkin", "EXTERNAL_checkin"),
        {"event": "bot", "text": "How are you now?"},
    ]
    findings, intent = latest_understood(events)
    assert intent == "report_symptoms"
    assert [(f["id"], f["assertion"]) for f in findings] == [("fever", "present")]
    assert latest_understood([{"event": "bot", "text": "hi"}]) is None


class FakeResponse:
    def __init__(self, status: int, body: Any) -> None:
        self.status_code, self.ok, self._body = status, status < 400, body

    def json(self) -> Any:
        return self._body


class FakeSession:
    def __init__(self, response: FakeResponse) -> None:
        self.response, self.calls = response, []

    def get(self, url: str, params: Dict[str, str], timeout: float) -> FakeResponse:
        self.calls.append((url, params))
        return self.response


def test_a_remote_bot_reads_the_servers_tracker_with_its_token():
    bot = RemoteBot("http://127.0.0.1:5005/", token="secret")
    bot.session = FakeSession(FakeResponse(200, {"events": [user("i have a fever", "report_symptoms", [FEVER])]}))
    findings, intent = bot.understood("me")
    assert intent == "report_symptoms" and findings[0]["id"] == "fever"
    url, params = bot.session.calls[0]
    assert url == "http://127.0.0.1:5005/conversations/rest:me/tracker"
    assert params == {"include_events": "ALL", "token": "secret"}


def test_without_the_api_a_remote_bot_says_it_cannot_read():
    bot = RemoteBot("http://127.0.0.1:5005")
    bot.session = FakeSession(FakeResponse(403, {}))
    assert bot.understood("me") is None
