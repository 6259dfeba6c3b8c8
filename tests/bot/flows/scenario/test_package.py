"""The package's face: the names other code imports, and the schema where editors find it."""

import bot.flows.scenario as scenario
from bot.paths import PROJECT_ROOT


def test_every_exported_name_exists():
    assert all(hasattr(scenario, name) for name in scenario.__all__)


def test_the_schema_stays_beside_the_package_where_the_scenario_files_point():
    assert scenario.SCHEMA_FILE == PROJECT_ROOT / "bot" / "flows" / "scenario.schema.json"
    assert scenario.SCHEMA_FILE.is_file()
    first_line = (PROJECT_ROOT / "tests" / "flows" / "pump.yml").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../../bot/flows/scenario.schema.json"
