"""Scenario files: every mistake a clinician can make is reported in words, with its line."""

from pathlib import Path
from textwrap import dedent

import jsonschema
import pytest
import yaml

from bot.flows.scenario import (
    ScenarioError,
    coverage,
    load_file,
    load_paths,
    load_schema,
    parse_understood,
    scenario_paths,
)
from bot.knowledge import load_catalogue
from bot.triage import REPORTED_LEVELS

LIBRARY = Path(__file__).resolve().parents[2] / "flows"
FAILING = Path(__file__).resolve().parent / "failing"


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


def test_a_good_file_loads_into_scenarios(tmp_path):
    loaded = load_file(write(tmp_path, GOOD))
    (scenario,) = loaded.scenarios
    assert loaded.topic == "Red flags"
    assert scenario.levels == ("emergency",) and scenario.in_turn == 1
    assert scenario.says == ("call 911",) and scenario.never_says == ("stop taking",)
    assert scenario.turns[0].understood[0].contexts == ("not negated",)
    assert scenario.turns[0].line == 5 and scenario.line == 3
    # "no" is what the patient typed, not YAML's false
    assert scenario.turns[1].patient == "no"


def test_unknown_level_names_the_level_the_line_and_the_right_spelling(tmp_path):
    path = write(tmp_path, GOOD.replace("level: emergency", "level: emergancy"))
    (problem,) = problems(path)
    assert problem.line == 10
    assert "unknown level 'emergancy'" in problem.message
    assert "did you mean 'emergency'" in problem.message
    assert 'scenario 1 ("Hallucinations")' in problem.message
    assert str(problem).startswith(f"{path}, line 10: ")


def test_unknown_level_in_a_list_of_accepted_levels_and_in_a_turn(tmp_path):
    text = GOOD.replace("level: emergency", "level: [urgent, emergenci]").replace(
        "- no", "- patient: no\n            level: routeen"
    )
    found = problems(write(tmp_path, text))
    assert {p.message.split("unknown level ")[1][:11] for p in found} == {"'emergenci'", "'routeen' ("}
    assert all("use one of: none, self_care, routine, urgent, emergency" in p.message for p in found)


def test_unknown_symptom_id_in_expect_and_in_understood(tmp_path):
    text = GOOD.replace("symptoms: [hallucinations]", "symptoms: [halucinations]").replace(
        '"hallucinations, not negated"', '"hallucination, negatd"'
    )
    found = problems(write(tmp_path, text))
    messages = [p.message for p in found]
    assert any("unknown symptom id 'halucinations'" in m and "did you mean 'hallucinations'" in m for m in messages)
    assert any("unknown symptom id 'hallucination'" in m for m in messages)
    assert any("unknown context 'negatd'" in m and "did you mean 'negated'" in m for m in messages)
    assert {p.line for p in found} == {6, 12}


def test_empty_turns(tmp_path):
    text = """
        topic: Nothing said
        scenarios:
          - name: Silent
            turns: []
            expect:
              level: none
    """
    (problem,) = problems(write(tmp_path, text))
    assert problem.line == 4
    assert "the turns are empty" in problem.message


def test_bad_yaml_gives_its_line_number(tmp_path):
    text = """
        topic: Broken
        scenarios:
          - name: A colon in the words
            turns:
              - patient: my temperature is: 39
            expect:
              level: emergency
    """
    (problem,) = problems(write(tmp_path, text))
    assert problem.line == 5
    assert "not valid YAML" in problem.message and "put the whole text in quotes" in problem.message


def test_bad_indentation_gives_its_line_number(tmp_path):
    text = "topic: Broken\nscenarios:\n  - name: x\n    turns:\n      - hi\n     expect:\n      level: none\n"
    path = tmp_path / "indent.yml"
    path.write_text(text, encoding="utf-8")
    (problem,) = problems(path)
    assert problem.line == 6 and "indentation" in problem.message


def test_every_mistake_is_reported_at_once(tmp_path):
    text = """
        topic: Many mistakes
        scenarios:
          - name: Typos
            turns:
              - patient: hi
                asks: route
            expct:
              level: none
          - name: Typos
            turns:
              - 39
            expect:
              level: none
              in turn: 3
    """
    found = problems(write(tmp_path, text))
    messages = "\n".join(p.message for p in found)
    assert "unknown key 'expct' (did you mean 'expect'?)" in messages
    assert "`expect` is missing" in messages
    assert "'route' is not one of: tablets or pump" in messages
    assert "turn 1 is the number 39" in messages
    assert 'the name "Typos" is already used by scenario 1' in messages
    assert "turn 3, but the scenario has only 1 turn" in messages
    assert len(found) == 6


def test_a_key_written_twice_is_reported(tmp_path):
    text = GOOD.replace("level: emergency", "level: emergency\n          level: routine")
    (problem,) = problems(write(tmp_path, text))
    assert problem.line == 11 and "`level` is written twice" in problem.message


def test_an_empty_file_and_a_missing_folder(tmp_path):
    assert "the file is empty" in problems(write(tmp_path, "", "empty.yml"))[0].message
    files, found = load_paths([tmp_path / "nowhere"])
    assert not files and "no such file" in found[0].message


def test_understood_in_words():
    u = parse_understood("confusion, not negated, someone else")
    finding = dict(kind="symptom", id="confusion", text="", start=0, end=0, uncertain=False)
    assert u.matches({**finding, "assertion": "present", "experiencer": "other"})
    assert u.matches({**finding, "assertion": "hypothetical", "experiencer": "other"})
    assert not u.matches({**finding, "assertion": "negated", "experiencer": "other"})
    assert not u.matches({**finding, "assertion": "present", "experiencer": "patient"})
    # no context written means present
    assert not parse_understood("confusion").matches({**finding, "assertion": "historical", "experiencer": "patient"})


# ----------------------------------------------------------------------------- the shipped files


@pytest.mark.parametrize("path", scenario_paths([LIBRARY, FAILING]), ids=str)
def test_the_shipped_schema_validates_the_shipped_scenarios(path):
    class Loader(yaml.SafeLoader):
        """Only true/false are booleans, as in YAML 1.2 (what editors use)."""

    Loader.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:bool"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    jsonschema.Draft7Validator.check_schema(load_schema())
    jsonschema.validate(yaml.load(path.read_text(encoding="utf-8"), Loader=Loader), load_schema())  # noqa: S506


def test_the_library_loads_without_mistakes_and_has_one_file_per_topic():
    files, found = load_paths([LIBRARY])
    assert found == []
    assert len(files) >= 5
    assert len({f.topic for f in files}) == len(files)


def test_the_library_covers_every_red_flag_and_every_level():
    files, _ = load_paths([LIBRARY])
    scenarios = [s for f in files for s in f.scenarios]
    cover = coverage(scenarios)
    assert cover.uncovered_red_flags == []
    assert {s.id for s in load_catalogue().red_flags} <= set(cover.covered)
    assert {level for s in scenarios for level in s.levels} == set(REPORTED_LEVELS)
    tags = {t for s in scenarios for t in s.tags}
    for needed in (
        "pump route",
        "tablets route",
        "negation",
        "caregiver",
        "correction",
        "question mid-flow",
        "red flag mid-form",
        "restart",
    ):
        assert needed in tags, needed


def test_a_turn_written_without_the_colon_after_patient_is_a_mistake_with_its_line(tmp_path):
    (problem,) = problems(
        write(
            tmp_path,
            """
            topic: Typo
            scenarios:
              - name: Missing colon
                turns:
                  - patient I stopped my baclofen and I see bugs
                expect:
                  level: emergency
            """,
        )
    )
    assert "line 5" in str(problem) and "no colon" in str(problem) and "patient: ..." in str(problem)


def test_a_clock_turn_lets_time_pass(tmp_path):
    text = """
        topic: Check-ins
        scenarios:
          - name: Time passes
            turns:
              - I ran out yesterday
              - clock: 2 hours
                says: How are you now
              - clock: 1 day
            expect:
              level: none
    """
    (scenario,) = load_file(write(tmp_path, text)).scenarios
    assert [t.clock for t in scenario.turns] == [None, 2.0, 24.0]
    assert scenario.turns[1].says == ("How are you now",) and scenario.turns[1].patient == "(2 hours later)"


def test_a_clock_turn_with_words_too_or_a_bad_time_is_a_mistake(tmp_path):
    text = """
        topic: Check-ins
        scenarios:
          - name: Both
            turns:
              - patient: hello
                clock: 2 hours
            expect:
              level: none
          - name: Bad time
            turns:
              - clock: soon
            expect:
              level: none
          - name: Neither
            turns:
              - says: hello
            expect:
              level: none
    """
    messages = "\n".join(p.message for p in problems(write(tmp_path, text)))
    assert "either `patient:` (a message) or `clock:` (time passes), not both" in messages
    assert "`patient` is missing (or `clock:` for time passing)" in messages
    assert "'soon' is not a time; write it as `2 hours`" in messages


def test_several_wordings_of_a_turn_are_played_one_run_each(tmp_path):
    text = """
        topic: Wordings
        scenarios:
          - name: Bugs
            turns:
              - patient: [I see bugs, there are bugs on the wall, bugs everywhere]
                understood: [hallucinations]
              - patient: [tablets, pills]
            expect:
              level: emergency
    """
    (scenario,) = load_file(write(tmp_path, text)).scenarios
    assert scenario.turns[0].patient == "I see bugs"
    assert scenario.turns[0].wordings == ("there are bugs on the wall", "bugs everywhere")
    runs = scenario.variants()
    assert [[t.patient for t in r.turns] for r in runs] == [
        ["I see bugs", "tablets"],
        ["there are bugs on the wall", "tablets"],
        ["bugs everywhere", "tablets"],
        ["I see bugs", "pills"],
    ]
    assert runs[1].name == 'Bugs [turn 1: "there are bugs on the wall"]'
    assert runs[0].turns[0].understood and not runs[1].turns[0].understood  # `understood` is the first wording's
    assert all(r.levels == ("emergency",) for r in runs)


def test_an_empty_list_of_wordings_is_a_mistake(tmp_path):
    text = """
        topic: Wordings
        scenarios:
          - name: Empty
            turns:
              - patient: []
            expect:
              level: none
    """
    assert problems(write(tmp_path, text))
