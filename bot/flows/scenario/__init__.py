"""Scenario files: loading, validation with clear messages, and the dataclasses the runner plays.

Clinicians write these files by hand, so every mistake is reported in words with its file and
line ("tests/flows/pump.yml, line 12: unknown level 'emergancy' ..."), all mistakes at once.
The shape is checked with the shipped JSON Schema (bot/flows/scenario.schema.json, the same one
editors use); symptom ids are checked against the catalogue, which the schema cannot know
without going stale.

One module per job: `model.py` (Scenario, Turn, Understood: what the runner plays),
`problems.py` (Problem, ScenarioError), `yaml_lines.py` (the YAML with the line of every value),
`messages.py` (schema and catalogue mistakes in words), `loading.py` (files and folders into
scenarios, or every mistake), `coverage.py` (which catalogue symptoms the scenarios check).
This package exports what other code uses.
"""

from bot.flows.scenario.coverage import Coverage, coverage
from bot.flows.scenario.loading import load_file, load_paths, scenario_paths
from bot.flows.scenario.messages import SCHEMA_FILE, load_schema
from bot.flows.scenario.model import (
    ASKS,
    ASSERTIONS,
    CONTEXTS,
    Scenario,
    ScenarioFile,
    Turn,
    Understood,
    parse_understood,
)
from bot.flows.scenario.problems import Problem, ScenarioError

__all__ = [
    "ASKS",
    "ASSERTIONS",
    "CONTEXTS",
    "SCHEMA_FILE",
    "Coverage",
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioFile",
    "Turn",
    "Understood",
    "coverage",
    "load_file",
    "load_paths",
    "load_schema",
    "parse_understood",
    "scenario_paths",
]
