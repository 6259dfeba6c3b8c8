"""Loading files and folders: scenarios from a good file, every mistake at once from a bad one."""

from bot.flows.scenario.loading import load_file, load_paths
from tests.bot.flows.scenario.files import GOOD, LIBRARY, problems, write


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


def test_an_empty_file_and_a_missing_folder(tmp_path):
    assert "the file is empty" in problems(write(tmp_path, "", "empty.yml"))[0].message
    files, found = load_paths([tmp_path / "nowhere"])
    assert not files and "no such file" in found[0].message


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


def test_the_library_loads_without_mistakes_and_has_one_file_per_topic():
    files, found = load_paths([LIBRARY])
    assert found == []
    assert len(files) >= 5
    assert len({f.topic for f in files}) == len(files)
