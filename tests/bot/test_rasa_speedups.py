import asyncio

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_speedups


@pytest.fixture()
def action():
    rasa_speedups.install()
    yield RemoteAction("action_x", None)
    rasa_speedups.uninstall()


def test_a_valid_reply_passes(action):
    assert action._validate_action_result(
        {"events": [{"event": "slot", "name": "a", "value": 1}], "responses": [{"text": "hi"}]}
    )


def test_an_invalid_reply_raises_the_same_error_as_rasa(action):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": 5}]})
    rasa_speedups.uninstall()
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_x", None)._validate_action_result({"events": [{"event": 5}]})


def test_it_is_much_faster_than_rasas_own_check(action):
    """Not a timing assertion on the clock: it counts how often the schema itself is checked."""
    from unittest import mock

    from jsonschema.validators import validator_for

    cls = validator_for(RemoteAction.action_response_format_spec())
    reply = {"events": [], "responses": []}
    action._validate_action_result(reply)  # builds the validator once
    with mock.patch.object(cls, "check_schema", wraps=cls.check_schema) as check:
        for _ in range(5):
            action._validate_action_result(reply)
        assert check.call_count == 0
        rasa_speedups.uninstall()
        RemoteAction("action_x", None)._validate_action_result(reply)
        assert check.call_count == 1  # Rasa's own check re-checks the schema on every call


# ------------------------------------------------------------------ one connection pool per loop


@pytest.fixture()
async def counting_server():
    """A local HTTP server that answers JSON and records the client port of every request."""
    from aiohttp import web

    ports = []

    async def handle(request):
        ports.append(request.transport.get_extra_info("peername")[1])
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/webhook", ports, runner
    await runner.cleanup()


async def test_action_calls_reuse_one_connection(counting_server):
    from rasa.utils.endpoints import EndpointConfig

    url, ports, _ = counting_server
    rasa_speedups.install()
    try:
        endpoint = EndpointConfig(url)
        for _ in range(4):
            assert await endpoint.request(json={"next_action": "x"}, method="post") == {"events": [], "responses": []}
    finally:
        rasa_speedups.uninstall()
    assert len(set(ports)) == 1, ports


async def test_rasas_own_session_opens_a_connection_per_call(counting_server):
    """Why the fix exists: without it, every call is a new TCP connection."""
    from rasa.utils.endpoints import EndpointConfig

    url, ports, _ = counting_server
    rasa_speedups.uninstall()
    endpoint = EndpointConfig(url)
    for _ in range(3):
        await endpoint.request(json={}, method="post")
    assert len(set(ports)) == 3, ports


async def test_a_closed_session_leaves_the_pool_open_and_headers_are_kept(counting_server):
    from rasa.utils.endpoints import EndpointConfig

    url, _, _ = counting_server
    rasa_speedups.install()
    try:
        endpoint = EndpointConfig(url, headers={"X-Token": "t"}, basic_auth={"username": "u", "password": "p"})
        async with endpoint.session() as first:
            assert first.connector is rasa_speedups.shared_pool()
            assert first.headers["X-Token"] == "t"
            assert first.auth is not None and first.auth.login == "u"
        assert first.closed
        assert not rasa_speedups.shared_pool().closed
        async with endpoint.session() as second:
            assert second.connector is first.connector or second.connector is rasa_speedups.shared_pool()
    finally:
        rasa_speedups.uninstall()


async def test_after_the_action_server_restarts_the_next_call_gets_a_new_connection(counting_server):
    """A pooled connection the server closed (restart, keep-alive) is not reused: calls go on."""
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    url, ports, runner = counting_server
    port = int(url.split(":")[2].split("/")[0])
    rasa_speedups.install()
    try:
        endpoint = EndpointConfig(url)
        await endpoint.request(json={}, method="post")
        await runner.cleanup()  # the action server stops: its connections are closed
        await asyncio.sleep(0.05)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        assert await endpoint.request(json={}, method="post") == {"events": [], "responses": []}
    finally:
        rasa_speedups.uninstall()
    assert len(set(ports)) == 2, ports


def test_each_event_loop_has_its_own_pool_and_closed_loops_are_let_go():
    async def pool_id():
        return id(rasa_speedups.shared_pool())

    first, second, third = (asyncio.new_event_loop() for _ in range(3))
    try:
        assert first.run_until_complete(pool_id()) == first.run_until_complete(pool_id())
        assert first.run_until_complete(pool_id()) != second.run_until_complete(pool_id())
        assert first in rasa_speedups._POOLS and second in rasa_speedups._POOLS
        first.close()
        second.close()
        third.run_until_complete(pool_id())  # a new pool: the closed loops' pools go
        assert first not in rasa_speedups._POOLS and second not in rasa_speedups._POOLS
        assert third in rasa_speedups._POOLS
    finally:
        for loop in (first, second, third):
            loop.close()


# ------------------------------------------------------------------ installed by config.yml's component


def test_config_yml_installs_the_speedups_when_the_model_loads_not_when_it_trains():
    """`bot.rasa_speedups.RasaSpeedups` is a step of the prediction graph, created eagerly at load."""
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.shared.data import TrainingType
    from rasa.shared.utils.io import read_yaml_file

    from bot.paths import PROJECT_ROOT

    graphs = DefaultV1Recipe().graph_config_for_recipe(
        read_yaml_file(PROJECT_ROOT / "config.yml"), {}, TrainingType.BOTH
    )
    predict = [node for node in graphs.predict_schema.nodes.values() if node.uses is rasa_speedups.RasaSpeedups]
    assert len(predict) == 1 and predict[0].eager
    assert not any(node.uses is rasa_speedups.RasaSpeedups for node in graphs.train_schema.nodes.values())


def test_the_component_installs_the_fixes_and_leaves_messages_alone():
    from rasa.shared.nlu.training_data.message import Message

    rasa_speedups.uninstall()
    try:
        component = rasa_speedups.RasaSpeedups.create({}, None, None, None)  # type: ignore[arg-type]
        assert rasa_speedups.installed()
        messages = [Message(data={"text": "hi"})]
        assert component.process(messages) is messages and messages[0].data == {"text": "hi"}
    finally:
        rasa_speedups.uninstall()
    assert not rasa_speedups.installed()
