"""Reading the YAML: invalid YAML and keys written twice are mistakes with their line."""

from tests.bot.flows.scenario.files import GOOD, problems, write


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


def test_a_key_written_twice_is_reported(tmp_path):
    text = GOOD.replace("level: emergency", "level: emergency\n          level: routine")
    (problem,) = problems(write(tmp_path, text))
    assert problem.line == 11 and "`level` is written twice" in problem.message
