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


def test_config_yml_installs_it_when_the_model_loads(monkeypatch):
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.shared.data import TrainingType
    from rasa.shared.utils.io import read_yaml_file

    from bot.paths import PROJECT_ROOT

    graphs = DefaultV1Recipe().graph_config_for_recipe(
        read_yaml_file(PROJECT_ROOT / "config.yml"), {}, TrainingType.BOTH
    )
    nodes = [node for node in graphs.predict_schema.nodes.values() if node.uses is action_timeout.ActionTimeout]
    assert len(nodes) == 1 and nodes[0].eager

    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", 300)
    monkeypatch.delenv("ACTION_TIMEOUT_SECONDS", raising=False)
    action_timeout.ActionTimeout.create({}, None, None, None)  # type: ignore[arg-type]
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 5.0  # the default of ACTION_TIMEOUT_SECONDS (bot/settings.py)
