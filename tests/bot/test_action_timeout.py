"""The short time limit for action-server calls."""

import pytest
from rasa.core.actions import action as rasa_action

from bot import action_timeout


def test_it_replaces_rasas_five_minutes(monkeypatch):
    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", 300)
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "4")
    action_timeout.install()
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 4.0


def test_the_default_is_a_few_seconds_and_nonsense_is_refused(monkeypatch):
    monkeypatch.delenv("ACTION_TIMEOUT_SECONDS", raising=False)
    assert action_timeout.action_timeout() == 5.0
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "0")
    with pytest.raises(ValueError):
        action_timeout.action_timeout()
