"""Writing scenario files for the tests, and the mistakes loading one reports."""

from pathlib import Path
from textwrap import dedent

import pytest

from bot.flows.scenario.loading import load_file
from bot.flows.scenario.problems import ScenarioError

LIBRARY = Path(__file__).resolve().parents[3] / "flows"
FAILING = Path(__file__).resolve().parents[1] / "failing"


def write(tmp_path: Path, text: str, name: str = "topic.yml") -> Path:
    path = tmp_path / name
    path.write_text(dedent(text).lstrip(), encoding="utf-8")
    return path


def problems(path: Path) -> list:
    with pytest.raises(ScenarioError) as caught:
        load_file(path)
    return caught.value.problems


GOOD = """
    topic: Red flags
    scenarios:
      - name: Hallucinations
        turns:
          - patient: I see spiders on the ceiling
            understood: ["hallucinations, not negated"]
            starts with: "EMERGENCY: call 911 now"
          - no
        expect:
          level: emergency
          in turn: 1
          symptoms: [hallucinations]
          says: call 911
          never says: [stop taking]
"""
