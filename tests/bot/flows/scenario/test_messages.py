"""Every mistake a clinician can make is reported in words, with its line; the shipped schema."""

import jsonschema
import pytest
import yaml

from bot.flows.scenario.loading import scenario_paths
from bot.flows.scenario.messages import load_schema
from tests.bot.flows.scenario.files import FAILING, GOOD, LIBRARY, problems, write


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
