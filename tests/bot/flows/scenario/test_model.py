"""The scenario model: `understood:` in words, and one run per wording of a turn."""

from bot.flows.scenario.loading import load_file
from bot.flows.scenario.model import parse_understood
from tests.bot.flows.scenario.files import write


def test_understood_in_words():
    u = parse_understood("confusion, not negated, someone else")
    finding = dict(kind="symptom", id="confusion", text="", start=0, end=0, uncertain=False)
    assert u.matches({**finding, "assertion": "present", "experiencer": "other"})
    assert u.matches({**finding, "assertion": "hypothetical", "experiencer": "other"})
    assert not u.matches({**finding, "assertion": "negated", "experiencer": "other"})
    assert not u.matches({**finding, "assertion": "present", "experiencer": "patient"})
    # no context written means present
    assert not parse_understood("confusion").matches({**finding, "assertion": "historical", "experiencer": "patient"})


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
