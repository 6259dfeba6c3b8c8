"""Reading the package's data files (never relative to the working directory)."""

from importlib import resources
from typing import Any

import yaml


def read_yaml(name: str) -> Any:
    """Parse one YAML file shipped in `bot/knowledge/`."""
    text = resources.files("bot.knowledge").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def read_bytes(name: str) -> bytes:
    """Raw bytes of a data file, for fingerprints."""
    return resources.files("bot.knowledge").joinpath(name).read_bytes()
