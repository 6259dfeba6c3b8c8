"""JUnit XML for CI: one test suite per scenario file, one test case per scenario.

CI servers (GitLab, Jenkins, GitHub actions) show JUnit files natively, so a failed scenario
shows up by name, with its differences as the failure message and the transcript as output.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List

from bot.flows.results import Run, ScenarioResult

FAILURE_TYPES = {
    "under": "under-triage",
    "earlier": "earlier-than-expected",
    "over": "over-triage",
    "failed": "mismatch",
}


def _transcript(result: ScenarioResult) -> str:
    lines: List[str] = []
    for t in result.turns:
        lines.append(f"{t.number}. patient: {t.patient}")
        lines += [f"   bot: {text}" for text in t.texts]
        if t.level != "none":
            lines.append(f"   level: {t.level}")
    return "\n".join(lines)


def _case(result: ScenarioResult) -> ET.Element:
    scenario = result.scenario
    case = ET.Element(
        "testcase",
        {
            "classname": f"flows.{Path(scenario.file).stem}",
            "name": scenario.name,
            "file": scenario.file,
            "line": str(scenario.line or 0),
            "time": f"{result.seconds:.3f}",
        },
    )
    problems = result.all_problems
    if result.category == "error":
        error = ET.SubElement(case, "error", {"message": problems[0], "type": "could-not-run"})
        error.text = "\n".join(problems)
    elif not result.passed:
        kind = FAILURE_TYPES[result.category]
        failure = ET.SubElement(case, "failure", {"message": f"{kind}: {problems[0]}", "type": kind})
        failure.text = "\n".join(
            [f"expected {scenario.expected}, given {result.given} (turn {result.given_turn})", *problems]
        )
    out = ET.SubElement(case, "system-out")
    out.text = _transcript(result)
    return case


def to_xml(run: Run) -> ET.ElementTree:
    suites: Dict[str, List[ScenarioResult]] = {}
    for r in run.results:
        suites.setdefault(r.scenario.file, []).append(r)
    root = ET.Element(
        "testsuites",
        {
            "name": "conversation flows",
            "tests": str(len(run.results)),
            "failures": str(sum(r.category in FAILURE_TYPES for r in run.results)),
            "errors": str(sum(r.category == "error" for r in run.results)),
            "time": f"{run.seconds:.3f}",
        },
    )
    for file, results in suites.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": f"{results[0].scenario.topic} ({file})",
                "tests": str(len(results)),
                "failures": str(sum(r.category in FAILURE_TYPES for r in results)),
                "errors": str(sum(r.category == "error" for r in results)),
                "time": f"{sum(r.seconds for r in results):.3f}",
            },
        )
        suite.extend(_case(r) for r in results)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    return tree


def write_junit(run: Run, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    to_xml(run).write(path, encoding="utf-8", xml_declaration=True)
    return path
