"""The report from fake results: under-triage first, the confusion matrix, coverage, nothing external."""

import re
import xml.etree.ElementTree as ET

import pytest

from bot.flows.judging import judge
from bot.flows.junit import to_xml
from bot.flows.report import confusion_matrix, ordered, render_html, summary_lines
from bot.flows.results import Run, TurnResult
from bot.flows.scenario import Scenario, Turn, parse_understood
from bot.knowledge import load_catalogue

URL = "http://127.0.0.1:5005"


def replies(level=None, text="Some advice.", symptoms=()):
    out = [{"recipient_id": "t", "text": text}]
    if level:
        reason = {
            "rule": "red_flag",
            "level": level,
            "text": "You mentioned something.",
            "symptoms": list(symptoms),
            "sources": ["fda_oral_label"],
        }
        out.append(
            {
                "recipient_id": "t",
                "custom": {"triage": {"level": level, "symptoms": list(symptoms), "reasons": [reason]}},
            }
        )
    return out


def scenario(name, levels, turns, **expect):
    return Scenario(
        name=name,
        file="tests/flows/fake.yml",
        topic="Fake",
        turns=tuple(t if isinstance(t, Turn) else Turn(t) for t in turns),
        levels=tuple(levels),
        line=1,
        **expect,
    )


def played(s, *turn_replies, understood=None):
    turns = [
        TurnResult(i + 1, t.patient, r, understood=understood)
        for i, (t, r) in enumerate(zip(s.turns, turn_replies, strict=True))
    ]
    return judge(s, turns)


@pytest.fixture()
def run():
    passing = scenario(
        "Seizure is an emergency",
        ["emergency"],
        ["I had a seizure"],
        in_turn=1,
        symptoms=("seizure",),
    )
    over = scenario("Drowsy is routine", ["routine"], ["I am drowsy <script>alert(1)</script>"])
    phrase = scenario("Says the UK number", ["emergency"], ["I see bugs"], says=("call 999",))
    under = scenario(
        "Confusion in turn 1",
        ["emergency"],
        [Turn("my legs are stiff", understood=(parse_understood("hallucinations"),)), Turn("now he is confused")],
        in_turn=1,
    )
    urgent = scenario("Ran out", ["urgent", "emergency"], ["I ran out", "tablets"])
    results = [
        played(passing, replies("emergency", "EMERGENCY: call 911 now", ["seizure"])),
        played(over, replies("emergency", "EMERGENCY: call 911 now")),
        played(phrase, replies("emergency", "EMERGENCY: call 911 now", ["hallucinations"])),
        played(under, replies(None, "How is the baclofen taken?"), replies("emergency", "EMERGENCY"), understood=[]),
        played(urgent, replies(None), replies("urgent", "URGENT: contact the prescriber")),
    ]
    return Run(results=results, url=URL, understanding="fake", seconds=1.5)


def test_judging_says_what_differs(run):
    by_name = {r.scenario.name: r for r in run.results}
    assert [r.category for r in run.results] == ["pass", "over", "failed", "under", "pass"]
    under = by_name["Confusion in turn 1"]
    assert under.given == "none" and under.given_turn == 1
    assert "expected emergency in turn 1, turn 1 gave no level (emergency came in turn 2)" in under.problems
    assert any("expected to understand 'hallucinations'; understood: nothing" in p for p in under.all_problems)
    assert by_name["Says the UK number"].problems[0].startswith("the advice (turn 1) does not say 'call 999'")
    assert by_name["Drowsy is routine"].problems == ["expected routine, the bot gave emergency (turn 1)"]
    assert by_name["Ran out"].given == "urgent" and by_name["Ran out"].given_turn == 2


def test_under_triage_is_listed_first_then_over_triage(run):
    assert [r.category for r in ordered(run.results)] == ["under", "over", "failed", "pass", "pass"]
    html = render_html(run)
    positions = [html.index(f'data-category="{c}"') for c in ("under", "over", "failed")]
    assert positions == sorted(positions)
    # the first scenario shown in full is the under-triaged one, open
    first = re.search(r'<details class="scenario [^"]*" id="scenario-1" open>\s*<summary>(.*?)</summary>', html, re.S)
    assert first and "Confusion in turn 1" in first.group(1) and "UNDER-TRIAGE" in first.group(1)
    lines = summary_lines(run)
    assert "under-triage 1, earlier than expected 0, over-triage 1, other 1" in lines[0]
    failures = [line for line in lines if line.split(":")[0] in ("UNDER-TRIAGE", "OVER-TRIAGE", "OTHER FAILURES")]
    assert [f.split(":")[0] for f in failures] == ["UNDER-TRIAGE", "OVER-TRIAGE", "OTHER FAILURES"]


def test_confusion_matrix_counts_expected_against_given(run):
    matrix = confusion_matrix(run.results)
    rows = {expected: counts for expected, counts in matrix.rows}
    columns = list(matrix.columns)
    assert rows[("emergency",)][columns.index("emergency")] == 2
    assert rows[("emergency",)][columns.index("none")] == 1
    assert rows[("routine",)][columns.index("emergency")] == 1
    assert rows[("urgent", "emergency")][columns.index("urgent")] == 1
    assert [expected for expected, _ in matrix.rows][0] == ("emergency",)
    assert matrix.cell_kind(("emergency",), "none") == "under"
    assert matrix.cell_kind(("routine",), "emergency") == "over"
    html = render_html(run)
    assert re.search(r"<th>urgent or emergency</th>", html)
    assert re.search(r'<td class="under">1</td>', html) and re.search(r'<td class="over">1</td>', html)


def test_coverage_lists_symptoms_and_red_flags_no_scenario_covers(run):
    html = render_html(run)
    red = re.search(r'<ul id="uncovered-red-flags">(.*?)</ul>', html, re.S).group(1)
    others = re.search(r'<ul id="uncovered-symptoms">(.*?)</ul>', html, re.S).group(1)
    red_flags = [s.id for s in load_catalogue().red_flags]
    for sid in red_flags:
        covered = sid in ("seizure", "hallucinations")  # named in `symptoms:` and `understood:`
        assert (f"<b>{sid}</b>" in red) is not covered, sid
    assert "<b>drowsiness</b>" in others and "<b>seizure</b>" not in others


def test_the_html_is_self_contained_and_escapes_what_people_typed(run):
    html = render_html(run)
    links = re.findall(r'(?:href|src|action)\s*=\s*"([^"]*)"', html)
    assert links and all(link.startswith("#") for link in links)
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|@font-face", html, re.I)
    assert "https://" not in html
    assert set(re.findall(r"http://[^\s<\"]+", html)) == {URL}  # the bot's address, as text only
    assert "I am drowsy &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "US FDA label, baclofen tablets" in html  # sources by title


def test_junit_says_which_failed_and_why(run):
    root = to_xml(run).getroot()
    assert root.get("tests") == "5" and root.get("failures") == "3" and root.get("errors") == "0"
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["Seizure is an emergency"].find("failure") is None
    assert cases["Confusion in turn 1"].find("failure").get("type") == "under-triage"
    assert "turn 1 gave no level" in cases["Confusion in turn 1"].find("failure").get("message")
    assert cases["Drowsy is routine"].find("failure").get("type") == "over-triage"
    assert "'call 999'" in cases["Says the UK number"].find("failure").text
    assert "patient: I see bugs" in cases["Says the UK number"].find("system-out").text
    ET.tostring(root)  # serialisable


def test_an_emergency_that_came_earlier_than_expected_is_never_under_triage():
    s = scenario("Emergency expected in turn 2", ["emergency"], ["I see bugs", "tablets"], in_turn=2)
    result = played(s, replies("emergency"), replies(None))
    assert result.category == "earlier"
    assert any("came earlier than expected, in turn 1" in p for p in result.all_problems)
    assert result.level_seen == "emergency"
    late = played(s, replies(None), replies(None))
    assert late.category == "under"


def test_an_emergency_before_an_expected_urgent_level_is_over_triage_not_under():
    s = scenario("Urgent expected in turn 2", ["urgent"], ["anxious since i stopped", "sweating"], in_turn=2)
    result = played(s, replies("emergency"), replies(None))
    assert result.category == "over"


def test_never_says_does_not_look_into_the_standard_disclaimer():
    from bot.flows.judging import standard_texts

    disclaimer = (
        "This is a self-assessment, not a diagnosis. Never stop, restart or change a baclofen dose on "
        "your own: the prescriber plans any change."
    )
    assert standard_texts(), "the disclaimer is read from the domain"
    s = scenario("Routine", ["routine"], ["a bit drowsy"], never_says=("never stop",))
    assert played(s, [*replies("routine"), {"recipient_id": "t", "text": disclaimer}]).passed
    s = scenario("Routine", ["routine"], ["a bit drowsy"], never_says=("stop taking",))
    assert not played(s, replies("routine", text="You can stop taking it.")).passed


def test_the_symptom_ids_are_listed_with_their_plain_names(capsys):
    from bot.flows.__main__ import main

    assert main(["symptoms"]) == 0
    listing = capsys.readouterr().out
    assert "hallucinations" in listing and "seeing, hearing or feeling things that are not there" in listing
    assert "pump_problem" in listing
