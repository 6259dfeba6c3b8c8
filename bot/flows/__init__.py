"""Conversation-flow scenarios clinicians write, run against the bot, and read as a report.

    python -m bot.flows validate tests/flows/
    python -m bot.flows run tests/flows/ --url http://127.0.0.1:5005 --report report.html --junit junit.xml

`scenario` (a package) loads and checks the YAML files (format: scenario.schema.json), `runner`
plays them over the REST channel and judges the replies, `report` and `junit` write what
happened. `vignettes` plays the triage vignette sets the same way (for bot/cli's scorers).
"""

from bot.flows.scenario import Problem, Scenario, ScenarioError, ScenarioFile, Turn, load_file, load_paths

__all__ = ["Problem", "Scenario", "ScenarioError", "ScenarioFile", "Turn", "load_file", "load_paths"]
