"""The words of the reasons (bot/knowledge/reasons.yml): loaded strictly, all used, one per rule."""

import ast
import copy
import itertools
from typing import Dict, FrozenSet, List, Set, Tuple

import pytest
import yaml

from bot.knowledge import load_catalogue
from bot.knowledge._files import read_yaml
from bot.knowledge.catalogue import CatalogueError
from bot.knowledge.reasons import PLACEHOLDERS, ReasonTexts, dump_reasons, load_reasons, parse_reasons
from bot.paths import PROJECT_ROOT
from bot.triage import Situation, assess

ENGINE = PROJECT_ROOT / "bot" / "triage" / "engine.py"
# The code that reads the texts (every module importing the loader).
CODE = [
    path
    for path in sorted([*(PROJECT_ROOT / "bot").rglob("*.py"), *(PROJECT_ROOT / "actions").rglob("*.py")])
    if "from bot.knowledge.reasons import" in path.read_text(encoding="utf-8")
]


def _literal(node: ast.AST, what: str, where: str) -> str:
    assert isinstance(node, ast.Constant) and isinstance(node.value, str), f"{where}: {what} must be a literal"
    return node.value


def _texts_named_in(path) -> Set[str]:
    """The texts a source file asks for, by key: `_reason(id, ..., variant)`, `sources_line(x)`, `say(...)`."""
    keys: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        where = f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}"
        if name == "_reason":
            rule_id = _literal(node.args[0], "the rule id", where)
            variants = [k.value for k in node.keywords if k.arg == "variant"] + node.args[4:5]
            variant = _literal(variants[0], "the variant", where) if variants else ""
            keys.add(f"reasons.{rule_id}" + (f".{variant}" if variant else ""))
        elif name == "sources_line":
            keys.add("sources_line." + _literal(node.args[0], "which sources line", where))
        elif name == "say":
            found = [n.value for n in ast.walk(node.args[0]) if isinstance(n, ast.Constant)]
            assert found and all(isinstance(k, str) for k in found), f"{where}: say() needs literal keys"
            keys.update(found)
    return keys


def test_the_shipped_file_loads():
    texts = load_reasons()
    assert set(texts.texts) == set(PLACEHOLDERS)
    assert all(text and text == " ".join(text.split()) for text in texts.texts.values())


def test_every_rule_id_in_the_engine_has_a_text():
    in_engine = {key.split(".")[1] for key in _texts_named_in(ENGINE) if key.startswith("reasons.")}
    assert in_engine == load_reasons().rule_ids


def test_the_engine_writes_no_words_of_its_own():
    """Reasons are made only by `_reason` (which takes its text from the file), never from an f-string."""
    tree = ast.parse(ENGINE.read_text(encoding="utf-8"))
    assert [n.lineno for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)] == []
    makers = [
        f.name
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef)
        for n in ast.walk(f)
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Reason"
    ]
    assert makers == ["_reason"]


def test_every_text_is_named_in_the_code_and_every_name_has_a_text():
    assert {p.relative_to(PROJECT_ROOT).as_posix() for p in CODE} >= {
        "bot/triage/engine.py",
        "bot/checkins/summary.py",
        "actions/assessment.py",
        "actions/action_answer_question.py",
    }
    named = set().union(*(_texts_named_in(path) for path in CODE))
    assert named == set(load_reasons().texts)


def _situations() -> List[Situation]:
    catalogue = load_catalogue()
    symptoms = [
        (),
        *((s,) for s in sorted(catalogue.symptoms)),
        ("itching", "low_blood_pressure"),
        ("palpitations", "feeling_faint"),
    ]
    events = [(), *((e,) for e in sorted(catalogue.events))]
    return [
        Situation(symptoms=frozenset(s), events=frozenset(e), route=route, screen=screen)
        for s, e, route, screen in itertools.product(
            symptoms, events, ("tablets", "pump", "unknown", None), (None, "yes", "unsure", "no")
        )
    ]


def test_every_engine_text_is_said_with_exactly_its_placeholders(monkeypatch):
    said: Dict[str, Set[FrozenSet[str]]] = {}
    say = ReasonTexts.say

    def recording(self, key, **values):
        said.setdefault(key, set()).add(frozenset(values))
        return say(self, key, **values)

    monkeypatch.setattr(ReasonTexts, "say", recording)
    for situation in _situations():
        assess(situation)
    engine_keys = {k for k in PLACEHOLDERS if not k.startswith("sources_line.")}
    assert set(said) == engine_keys
    assert {k: v for k, v in said.items() if v != {PLACEHOLDERS[k]}} == {}


def test_round_trip():
    texts = load_reasons()
    dumped = dump_reasons(texts)
    assert parse_reasons(yaml.safe_load(dumped)) == texts
    assert dump_reasons(parse_reasons(yaml.safe_load(dumped))) == dumped


def test_a_list_opening_a_sentence_gets_a_capital_and_who_is_used_as_written():
    texts = parse_reasons(read_yaml("reasons.yml"))
    assert texts.reason("withdrawal_signs_unclear", found="tremor, sweating").startswith("Tremor, sweating can ")
    assert texts.reason("symptoms_routine", "tapering", found="tremor").startswith("You mentioned tremor while")
    custom = ReasonTexts({**texts.texts, "who.pump": "For an ITB pump user"})
    assert custom.reason("pump_early_signs", who=custom.say("who.pump"), found="tingling").startswith(
        "For an ITB pump user, tingling can"
    )
    assert texts.sources_line("answer", "A; B") == "(Source: A; B.)"


# ----------------------------------------------------------------------------- broken files


@pytest.fixture()
def raw():
    return copy.deepcopy(read_yaml("reasons.yml"))


def _load_file(tmp_path, data) -> ReasonTexts:
    path = tmp_path / "reasons.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return parse_reasons(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_a_copy_of_the_file_loads(tmp_path, raw):
    assert _load_file(tmp_path, raw) == load_reasons()


@pytest.mark.parametrize(
    "path, message",
    [
        (("reasons", "red_flag"), r"missing keys \['reasons.red_flag'\]"),
        (("reasons", "abrupt_stop", "without_symptoms"), r"missing keys \['reasons.abrupt_stop.without_symptoms'\]"),
        (("who",), r"missing keys \['who.pump', 'who.route_unknown'\]"),
    ],
)
def test_a_missing_key_raises(tmp_path, raw, path: Tuple[str, ...], message):
    *parents, leaf = path
    node = raw
    for part in parents:
        node = node[part]
    del node[leaf]
    with pytest.raises(CatalogueError, match=message):
        _load_file(tmp_path, raw)


def test_an_unknown_key_raises(tmp_path, raw):
    raw["reasons"]["red_flags"] = raw["reasons"].pop("red_flag")
    with pytest.raises(CatalogueError, match=r"unknown keys \['reasons.red_flags'\]"):
        _load_file(tmp_path, raw)


def test_a_dotted_key_raises(tmp_path, raw):
    raw["reasons"]["abrupt_stop.with_symptoms"] = raw["reasons"]["abrupt_stop"].pop("with_symptoms")
    with pytest.raises(CatalogueError, match="no dots in keys"):
        _load_file(tmp_path, raw)


@pytest.mark.parametrize(
    "key, text, message",
    [
        ("red_flag", "You mentioned {symptom}.", r"placeholder \{symptom\} .*it may use: \{plain\}"),
        ("red_flag", "You mentioned {found}.", r"placeholder \{found\}"),
        ("pump_problem", "Call the pump team about {what}.", r"placeholder \{what\} .*it may use: none"),
        ("red_flag", "You mentioned {}.", r"placeholder \{\}"),
        ("red_flag", "You mentioned {0}.", r"placeholder \{0\}"),
        ("red_flag", "You mentioned {plain.upper}.", r"placeholder \{plain.upper\}"),
        ("red_flag", "You mentioned {plain!r}.", r"placeholder \{plain!r\}"),
        ("red_flag", "You mentioned {plain:>20}.", r"placeholder \{plain:>20\}"),
        ("red_flag", "You mentioned {plain.", "write {{ or }} for a brace"),
        ("red_flag", "Braces } alone.", "write {{ or }} for a brace"),
        ("red_flag", ["a list"], "expected a text"),
        ("red_flag", "   ", "expected a text"),
    ],
)
def test_a_placeholder_the_rule_does_not_supply_or_a_bad_text_raises(tmp_path, raw, key, text, message):
    raw["reasons"][key] = text
    with pytest.raises(CatalogueError, match=message):
        _load_file(tmp_path, raw)


def test_doubled_braces_are_literal_braces(tmp_path, raw):
    raw["reasons"]["red_flag"] = "You mentioned {plain} {{sic}}."
    assert _load_file(tmp_path, raw).reason("red_flag", plain="a fever") == "You mentioned a fever {sic}."


def test_not_a_mapping_raises():
    with pytest.raises(CatalogueError, match="expected a mapping"):
        parse_reasons(["reasons"])
