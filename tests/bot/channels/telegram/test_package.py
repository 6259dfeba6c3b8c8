"""The package's face: credentials.yml's dotted path and the names other code imports from it."""

import yaml
from rasa.shared.utils.common import class_from_module_path

import bot.channels.telegram as telegram
from bot.channels.telegram.channel import TelegramInput
from bot.paths import PROJECT_ROOT


def test_credentials_yml_names_the_channel_by_the_packages_path():
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert "bot.channels.telegram.TelegramInput" in credentials
    assert class_from_module_path("bot.channels.telegram.TelegramInput") is TelegramInput


def test_every_exported_name_exists():
    assert all(hasattr(telegram, name) for name in telegram.__all__)
