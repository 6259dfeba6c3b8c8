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
