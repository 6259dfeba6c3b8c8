"""bot/names.py against domain.yml: every name the code uses exists in the domain (a rename in the
domain fails here), the levels are the domain's, and the code spells no domain name of its own."""

import ast
import json
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Set, Tuple

import pytest
import yaml
from rasa.shared.core.domain import Domain

from bot.names import ActionName, Entity, Intent, Level, Response, Slot
from bot.triage import LEVELS, REPORTED_LEVELS

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_FILE = ROOT / "domain.yml"


@lru_cache(maxsize=1)
def domain() -> Domain:
    """The domain as Rasa loads it (with Rasa's own intents, such as nlu_fallback, and slots, such
    as requested_slot)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Rasa always warns that slot auto-fill is gone
        return Domain.load(str(DOMAIN_FILE))


def names_of(group: type) -> Tuple[str, ...]:
    return tuple(value for key, value in vars(group).items() if key.isupper())


def custom_actions() -> Set[str]:
    return set(domain().user_actions) - set(domain().responses)


@pytest.mark.parametrize("group", [Intent, Slot, Entity, Level, Response, ActionName])
def test_each_group_holds_distinct_names(group):
    names = names_of(group)
    assert names and len(set(names)) == len(names)


@pytest.mark.parametrize(
    "group, known",
    [
        (Intent, lambda: set(domain().intents)),
        (Slot, lambda: {s.name for s in domain().slots}),
        (Entity, lambda: set(domain().entities)),
        (Response, lambda: set(domain().responses)),
        (ActionName, lambda: custom_actions() | set(domain().form_names)),
    ],
    ids=["intents", "slots", "entities", "responses", "actions"],
)
def test_every_name_is_in_the_domain(group, known):
    missing = set(names_of(group)) - known()
    assert not missing, f"{group.__name__}: not in domain.yml: {sorted(missing)}"


def test_every_custom_action_of_the_domain_is_named():
    assert set(names_of(ActionName)) == custom_actions()


def test_the_levels_are_the_domains():
    raw = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    assert tuple(raw["slots"][Slot.TRIAGE_LEVEL]["values"]) == LEVELS
    assert set(names_of(Level)) == set(REPORTED_LEVELS) and REPORTED_LEVELS[0] == Level.NONE
    for level in LEVELS:
        assert Response.level(level) in domain().responses
    assert Response.level(Level.EMERGENCY) == Response.LEVEL_EMERGENCY


def test_the_scenario_schema_lists_the_reported_levels():
    schema = json.loads((ROOT / "bot/flows/scenario.schema.json").read_text(encoding="utf-8"))
    enums = []

    def walk(node):
        if isinstance(node, dict):
            if "self_care" in (node.get("enum") or []):
                enums.append(node["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert enums and all(tuple(e) == REPORTED_LEVELS for e in enums)


# Strings that are the name of a domain item and also something else in the code: finding kinds
# and catalogue sections (symptom, route, event, symptoms), Rasa's event types and keys (event,
# restart), the red-flag screen's answer (unsure), a feeling at a check-in (symptoms), severities and
# rule ids (red_flag, emergency_screen), the red-flag layer's category (none).
OTHER_MEANINGS = {"symptom", "symptoms", "route", "event", "restart", "unsure", "red_flag", "emergency_screen", "none"}


def domain_names() -> Set[str]:
    d = domain()
    return (
        set(d.intents)
        | {s.name for s in d.slots}
        | set(d.entities)
        | set(d.responses)
        | custom_actions()
        | set(d.form_names)
        | set(REPORTED_LEVELS)
    )


def test_the_code_names_domain_items_only_through_bot_names():
    names = domain_names() - OTHER_MEANINGS
    found = []
    for path in sorted([*ROOT.glob("actions/*.py"), *ROOT.glob("bot/**/*.py")]):
        where = path.relative_to(ROOT).as_posix()
        if where == "bot/names.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value in names or node.value.startswith("utter_"):
                    found.append(f"{where}:{node.lineno}: {node.value!r}")
    assert not found, "use bot.names instead of:\n" + "\n".join(found)
