"""The flow runner against the real servers (REST channel), as a clinician would run it.

The starter library in tests/flows/ must pass; the scenarios built to fail in
tests/bot/flows/failing/ must fail, each for its own reason, in the exit code, the JUnit file and
the HTML report; the report must open in a browser without fetching anything.
"""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bot.flows.__main__ import main
from bot.flows.scenario import load_paths
from tests.e2e.conftest import SHOTS

pytestmark = pytest.mark.e2e

LIBRARY = "tests/flows/"
FAILING = "tests/bot/flows/failing/"
FAILING_WORDINGS = "tests/bot/flows/failing_wordings/"


@pytest.fixture(scope="module")
def failing_run(bot_url, tmp_path_factory):
    """The scenarios built to fail, run once through the command's own entry point."""
    out = tmp_path_factory.mktemp("flows-failing")
    report, junit = out / "report.html", out / "junit.xml"
    status = main(["run", FAILING, "--url", bot_url, "--report", str(report), "--junit", str(junit), "--quiet"])
    return status, report, junit


def test_the_starter_library_passes(bot_url, tmp_path):
    """The documented command, exactly as a clinician types it."""
    report, junit = tmp_path / "report.html", tmp_path / "junit.xml"
    command = [sys.executable, "-m", "bot.flows", "run", LIBRARY, "--url", bot_url]
    command += ["--report", str(report), "--junit", str(junit)]
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    files, _ = load_paths([Path(LIBRARY)])
    total = sum(len(s.variants()) for f in files for s in f.scenarios)  # one run per wording
    assert total > sum(len(f.scenarios) for f in files)
    assert f"{total} scenarios in" in done.stdout and f"{total} passed, 0 failed" in done.stdout
    assert "100%" in done.stderr  # the progress bar
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == (str(total), "0", "0")
    html = report.read_text(encoding="utf-8")
    assert "Every scenario passed." in html
    assert "Every red flag (11) is covered." in html
    assert "symptom: confusion (present, someone else)" in html  # what the bot understood, with its context


def test_scenarios_built_to_fail_fail_and_say_why(failing_run):
    status, report, junit = failing_run
    assert status == 1
    cases = {c.get("name"): c.find("failure") for c in ET.parse(junit).getroot().iter("testcase")}
    assert len(cases) == 5 and all(f is not None for f in cases.values())

    def failure(start):
        (found,) = [f for name, f in cases.items() if name.startswith(start)]
        return found.get("type"), found.get("message")

    kind, message = failure("Wrong level (a side effect")
    assert kind == "under-triage" and "expected emergency in turn 4, turn 4 gave routine" in message
    kind, message = failure("Wrong level the other way")
    assert kind == "over-triage" and "expected routine, the bot gave emergency (turn 1)" in message
    kind, message = failure("Missing phrase")
    assert kind == "mismatch" and "does not say 'call 999'" in message
    kind, message = failure("Forbidden phrase")
    assert kind == "mismatch" and "turn 1 says 'call 911', which it must never say" in message
    kind, message = failure("Wrong turn")
    assert kind == "under-triage" and "turn 1 gave no level (emergency came in turn 2)" in message

    html = report.read_text(encoding="utf-8")
    assert (
        html.index('data-category="under"') < html.index('data-category="over"') < html.index('data-category="failed"')
    )
    assert "does not say &#39;call 999&#39;" in html


def test_the_report_opens_in_a_browser_without_fetching_anything(failing_run, browser):
    _, report, _ = failing_run
    page = browser.new_page(viewport={"width": 1200, "height": 1100})
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(report.resolve().as_uri())
    headings = page.locator("h3").all_inner_texts()
    assert headings[:3] == ["Under-triage (2)", "Over-triage (1)", "Other failures (2)"]
    assert page.locator("details.scenario[open]").count() == 5
    assert page.locator("#scenario-1 summary").inner_text().startswith("UNDER-TRIAGE")
    assert page.locator("table.matrix td.under").first.is_visible()
    page.screenshot(path=str(SHOTS / "flows-report.png"))
    page.close()
    assert requested == [report.resolve().as_uri()]


def test_of_three_wordings_of_a_turn_the_one_that_fails_is_named(bot_url, tmp_path):
    junit = tmp_path / "junit.xml"
    status = main(["run", FAILING_WORDINGS, "--url", bot_url, "--junit", str(junit), "--quiet"])
    assert status == 1
    cases = {c.get("name"): c.find("failure") for c in ET.parse(junit).getroot().iter("testcase")}
    assert len(cases) == 3
    failed = [name for name, failure in cases.items() if failure is not None]
    assert failed == ['Three wordings, one that fails [turn 1: "I feel a bit drowsy in the afternoons"]']


def test_without_a_url_the_library_runs_in_process_with_no_server(tmp_path):
    """One command, nothing else running: the trained model and the actions in the runner's process,
    and what the bot understood read from the conversation it stored."""
    report = tmp_path / "report.html"
    command = [sys.executable, "-m", "bot.flows", "run", LIBRARY, "--report", str(report), "--quiet"]
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    files, _ = load_paths([Path(LIBRARY)])
    total = sum(len(s.variants()) for f in files for s in f.scenarios)
    assert f"{total} passed, 0 failed" in done.stdout
    html = report.read_text(encoding="utf-8")
    assert "the trained model in this process" in html and "what the bot stored for each message" in html
    assert "symptom: confusion (present, someone else)" in html
