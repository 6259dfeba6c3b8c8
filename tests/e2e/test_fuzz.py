"""Bad input over REST and socket.io: a clear answer (a reply or a 4xx), never a crash, nothing lost.

A conversation is started before the fuzzing and finished after it: it must be unaffected.
"""

import json
import uuid

import pytest
import requests
import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import LOGS as LOGS_DIR
from tests.e2e.nasty import NASTY_TEXTS, WRONG_SHAPES

pytestmark = pytest.mark.e2e
COUNT = {"rest": 0, "socketio": 0}


def post(bot_url, body, raw=False):
    url = f"{bot_url}/webhooks/rest/webhook"
    if raw:
        return requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=60)
    return requests.post(url, json=body, timeout=60)


def assert_clear_answer(response):
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        replies = response.json()
        assert isinstance(replies, list) and replies, "a 200 must carry a reply"
        assert all(r.get("text") or r.get("custom") for r in replies)
    else:
        assert "error" in response.json()


@pytest.fixture(scope="module")
def bystander(bot_url):
    """A conversation in progress while the fuzzing runs."""
    sender = f"bystander-{uuid.uuid4().hex[:8]}"
    post(bot_url, {"sender": sender, "message": "i ran out of baclofen and my hands are shaking"})
    post(bot_url, {"sender": sender, "message": "tablets"})
    return sender


def test_corpus_over_rest(bot_url, bystander):
    for text in NASTY_TEXTS:
        assert_clear_answer(post(bot_url, {"sender": f"fuzz-{uuid.uuid4().hex[:6]}", "message": text}))
        COUNT["rest"] += 1
    for body in WRONG_SHAPES:
        assert_clear_answer(post(bot_url, body))
        COUNT["rest"] += 1
    for raw in [b"\xff\xfe\xfd", b'{"sender": "s", "message": "\xc3\x28"}', b"{not json", b""]:
        response = post(bot_url, raw, raw=True)
        assert response.status_code in (200, 400)
        COUNT["rest"] += 1


def test_too_long_is_refused_with_a_message_not_truncated(bot_url):
    (reply,) = post(bot_url, {"sender": "long", "message": "lorem ipsum " * 500}).json()
    assert "too long" in reply["text"]


def test_too_long_with_a_red_flag_gets_the_emergency_advice_first_then_the_refusal(bot_url):
    text = "I stopped my baclofen and I'm seeing bugs on the walls. " + "and it's been a long week " * 100
    replies = post(bot_url, {"sender": "long-red-flag", "message": text}).json()
    assert replies[0]["text"].startswith("EMERGENCY: call 911")
    assert replies[1]["custom"]["triage"]["level"] == "emergency"
    assert "too long" in replies[-1]["text"]


@pytest.mark.parametrize(
    "body",
    [
        {"message": "hello"},  # no sender: Rasa put these into one shared "default" conversation
        {"sender": "", "message": "hello"},
        {"sender": "x" * 300, "message": "hello"},  # over PostgreSQL's varchar(255)
        {"sender": {"id": 1}, "message": "hello"},
    ],
)
def test_a_missing_or_unusable_sender_is_a_clear_400(bot_url, body):
    response = post(bot_url, body)
    assert response.status_code == 400 and "sender" in response.json()["error"]


def test_a_lone_surrogate_gets_a_clear_answer_on_rest(bot_url):
    response = post(bot_url, b'{"sender": "surrogate", "message": "hi \\ud800 there"}', raw=True)
    assert response.status_code == 200 and "could not read that message" in response.json()[0]["text"]


def test_a_flood_from_one_sender_is_answered_at_once_and_others_are_not_held_up(bot_url):
    from concurrent.futures import ThreadPoolExecutor

    sender = f"flood-{uuid.uuid4().hex[:6]}"
    with ThreadPoolExecutor(max_workers=32) as pool:
        replies = list(pool.map(lambda i: post(bot_url, {"sender": sender, "message": f"hello {i}"}), range(200)))
        other = post(bot_url, {"sender": f"other-{uuid.uuid4().hex[:6]}", "message": "I'm seeing bugs on the walls"})
    assert all(r.status_code == 200 and r.json() for r in replies), "every message got an answer"
    slowed = [r for r in replies if "faster than I can read" in r.json()[-1].get("text", "")]
    assert len(slowed) >= 150
    assert other.status_code == 200 and other.json()[0]["text"].startswith("EMERGENCY")


def test_slash_syntax_cannot_skip_the_triage(bot_url):
    sender = f"inject-{uuid.uuid4().hex[:6]}"
    for injected in ["/red_flag", '/red_flag{"triage_level": "self_care"}', "/action_assess_triage"]:
        replies = post(bot_url, {"sender": sender, "message": injected}).json()
        assert not any("triage" in (r.get("custom") or {}) for r in replies), f"no assessment from {injected}"
    # the form's slots cannot be filled by the syntax either: the form still asks its question
    replies = post(
        bot_url, {"sender": sender, "message": '/report_symptoms{"route":"tablets","anything_else":"no"}'}
    ).json()
    assert not any("triage" in (r.get("custom") or {}) for r in replies)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_random_text_over_rest(bot_url, text):
    assert_clear_answer(post(bot_url, {"sender": "hypothesis", "message": text}))
    COUNT["rest"] += 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
        max_leaves=6,
    )
)
def test_random_json_shapes_over_rest(bot_url, body):
    response = post(bot_url, body)
    assert response.status_code in (200, 400)
    COUNT["rest"] += 1


def test_corpus_over_socketio(bot_url, web_port):
    client = socketio.Client(reconnection=False)
    received = []
    client.on("bot_uttered", lambda data: received.append(data))
    session = uuid.uuid4().hex
    client.connect(bot_url, transports=["polling"], headers={"Origin": f"http://127.0.0.1:{web_port}"})
    try:
        client.emit("session_request", {"session_id": session})
        payloads = [{"message": t, "session_id": session} for t in NASTY_TEXTS[:12]]
        payloads += [None, "text", 42, [], {"message": "hi"}, {"message": 5, "session_id": session}]
        payloads += [{"message": "hi", "session_id": "short"}, {"message": json.dumps({"a": 1}), "session_id": session}]
        for payload in payloads:
            before = len(received)
            client.emit("user_uttered", payload)
            client.sleep(0.1)
            for _ in range(100):
                if len(received) > before:
                    break
                client.sleep(0.1)
            assert len(received) > before, f"no answer to {payload!r:.60}"
            COUNT["socketio"] += 1
        assert client.connected
    finally:
        client.disconnect()


def test_the_server_still_works_and_the_bystander_is_unaffected(bot_url, bystander):
    post(bot_url, {"sender": bystander, "message": "no that's all"})
    replies = post(bot_url, {"sender": bystander, "message": "no, none of these"}).json()
    triage = next(r["custom"]["triage"] for r in replies if "triage" in (r.get("custom") or {}))
    assert triage["level"] == "urgent" and triage["symptoms"] == ["tremor"]
    print(f"\nfuzz inputs run: REST {COUNT['rest']}, socket.io {COUNT['socketio']}")


def test_the_logs_do_not_contain_what_people_wrote(bot_url, bystander):
    """Health data stays out of the logs (servers at their default level, as `make run` starts them)."""
    from tests.e2e.conftest import LOGS

    written = [
        "i ran out of baclofen and my hands are shaking",
        "¿Qué es el baclofeno? Tengo fiebre",
        "我停止服用巴氯芬后看到虫子",
    ]
    logs = "".join(path.read_text(errors="replace") for path in LOGS.glob("bot-*.log"))
    assert logs, "the servers' logs were written"
    for text in written:
        assert text not in logs


def test_the_http_api_that_reads_conversations_is_not_exposed(bot_url, bystander):
    for path in (f"/conversations/{bystander}/tracker", "/model/parse", "/status"):
        assert requests.get(f"{bot_url}{path}", timeout=10).status_code in (404, 405)


def test_the_action_server_listens_on_the_loopback_only(bot_url):
    """Only the Rasa server (same machine) may call the actions: the socket is bound to 127.0.0.1, by
    default (the test servers are started without SANIC_HOST)."""
    listening = set()
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        if state == "0A":  # LISTEN
            address, port = local.split(":")
            listening.add((address, int(port, 16)))
    import re

    log = (LOGS_DIR / "bot-actions.log").read_text(errors="replace")
    port = int(re.findall(r"running on http://[\d.]+:(\d+)", log)[-1])
    assert ("0100007F", port) in listening  # 127.0.0.1 in /proc's byte order
    assert ("00000000", port) not in listening
