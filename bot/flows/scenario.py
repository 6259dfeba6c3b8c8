"""Scenario files: loading, validation with clear messages, and the dataclasses the runner plays.

Clinicians write these files by hand, so every mistake is reported in words with its file and
line ("tests/flows/pump.yml, line 12: unknown level 'emergancy' ..."), all mistakes at once.
The shape is checked with the shipped JSON Schema (the same one editors use); symptom ids are
checked against the catalogue, which the schema cannot know without going stale.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import jsonschema
import yaml

from bot.checkins.plan import hours_in
from bot.knowledge import Catalogue, load_catalogue
from bot.triage import REPORTED_LEVELS, reported_rank
from bot.types import Finding

SCHEMA_FILE = Path(__file__).with_name("scenario.schema.json")
# What `asks:` may name, and the domain response whose text the bot then sends.
ASKS = {
    "tablets or pump": "utter_ask_route",
    "what happened": "utter_ask_situation",
    "anything else": "utter_ask_anything_else",
    "emergency signs": "utter_ask_emergency_screen",
    "nothing": None,
}
ASSERTIONS = ("present", "negated", "hypothetical", "historical")
CONTEXTS = (*ASSERTIONS, "not negated", "someone else", "the patient")
# "- patient I stopped ..." (a turn key without its colon) would be read as the patient's words.
TURN_KEY_WITHOUT_COLON = re.compile(r"^\s*patient\s+(?!:)\S", re.IGNORECASE)


rank = reported_rank


# ----------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One mistake in a scenario file, with where it is."""

    path: str
    line: Optional[int]
    message: str

    def __str__(self) -> str:
        return f"{self.path}, line {self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


class ScenarioError(ValueError):
    """A scenario file (or several) cannot be used; `problems` says every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# ----------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Understood:
    """An expectation on what the bot understood in one message: "confusion, not negated"."""

    written: str
    id: str
    contexts: Tuple[str, ...]

    def matches(self, finding: Finding) -> bool:
        if finding["id"] != self.id:
            return False
        contexts = self.contexts or ("present",)
        for c in contexts:
            if c in ASSERTIONS and finding["assertion"] != c:
                return False
            if c == "not negated" and finding["assertion"] == "negated":
                return False
            if c == "someone else" and finding["experiencer"] != "other":
                return False
            if c == "the patient" and finding["experiencer"] != "patient":
                return False
        return True


@dataclass(frozen=True)
class Turn:
    """One patient message and what the bot must do in its reply (all optional)."""

    patient: str
    line: Optional[int] = None
    # Other wordings of the same message (`patient: [a, b, c]`): each is played in a run of its own.
    wordings: Tuple[str, ...] = ()
    # Hours that pass instead of a message (`clock: 2 hours`): the check-ins due by then come.
    clock: Optional[float] = None
    levels: Tuple[str, ...] = ()
    asks: Optional[str] = None
    says: Tuple[str, ...] = ()
    never_says: Tuple[str, ...] = ()
    starts_with: Optional[str] = None
    understood: Tuple[Understood, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A conversation to play and the level (and phrases) it must end up with."""

    name: str
    file: str
    topic: str
    turns: Tuple[Turn, ...]
    levels: Tuple[str, ...]
    line: Optional[int] = None
    in_turn: Optional[int] = None
    says: Tuple[str, ...] = ()
    never_says: Tuple[str, ...] = ()
    symptoms: Tuple[str, ...] = ()
    tags: Tuple[str, ...] = ()
    why: str = ""

    @property
    def id(self) -> str:
        return f"{Path(self.file).stem}: {self.name}"

    @property
    def expected(self) -> str:
        """The accepted levels in words: "urgent or emergency"."""
        return " or ".join(self.levels)

    def variants(self) -> List[Scenario]:
        """The runs to play: every turn at its first wording, then one run per other wording of a
        turn (the rest at their first), named after it so a report says which wording failed.
        One run per wording, not every combination: the number of runs grows with the wordings
        written, not with their product."""
        runs = [self]
        for i, turn in enumerate(self.turns):
            for wording in turn.wordings:
                turns = list(self.turns)
                # `understood` speaks of the first wording's words; the other checks hold for all.
                turns[i] = replace(turn, patient=wording, wordings=(), understood=())
                runs.append(replace(self, name=f'{self.name} [turn {i + 1}: "{wording}"]', turns=tuple(turns)))
        return runs

    @property
    def named_symptoms(self) -> List[str]:
        """Every catalogue symptom this scenario checks (for coverage)."""
        catalogue = load_catalogue()
        ids = [*self.symptoms, *(u.id for t in self.turns for u in t.understood)]
        return [i for i in dict.fromkeys(ids) if i in catalogue.symptoms]


@dataclass(frozen=True)
class ScenarioFile:
    path: str
    topic: str
    description: str
    scenarios: Tuple[Scenario, ...]


# ----------------------------------------------------------------------------- YAML


class _Loader(yaml.SafeLoader):
    """YAML 1.2-style booleans: a patient who types `no` or `yes` means the word, not false/true."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _parse(text: str, path: str) -> Tuple[Any, Optional[yaml.Node]]:
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        message = f"this is not valid YAML: {_yaml_in_words(e)}"
        if e.context_mark and mark and e.context_mark.line != mark.line:
            message += f" (the part in question starts on line {e.context_mark.line + 1})"
        raise ScenarioError([Problem(path, line, message)]) from None
    except yaml.YAMLError as e:
        raise ScenarioError([Problem(path, None, f"this is not valid YAML: {e}")]) from None
    return data, node


YAML_PROBLEMS = (
    ("mapping values are not allowed", "a colon (:) inside text: put the whole text in quotes"),
    ("expected <block end>", "the indentation is wrong: this line is further left or right than it should be"),
    ("could not find expected ':'", "a line is missing its `key:`, or text that needs quotes is not in quotes"),
    ("unexpected end of stream", "a quote mark is opened and never closed"),
    ("found character '\\t'", "a tab: use spaces to indent"),
    ("expected <block end>, but found '-'", "a list item (-) is indented differently from the others"),
)


def _yaml_in_words(error: yaml.MarkedYAMLError) -> str:
    """PyYAML's parser words, and what they usually mean for someone typing a scenario."""
    said = " ".join(x for x in (error.context, error.problem) if x)
    for needle, words in reversed(YAML_PROBLEMS):
        if needle in said:
            return f"{words} (YAML says: {said})"
    return f"{said} (check the indentation, and put text with a colon or quote marks in quotes)"


def _line(node: Optional[yaml.Node], where: Sequence[Any]) -> Optional[int]:
    """The line (1-based) of the value at `where` in the composed YAML tree, or of its nearest parent."""
    line = node.start_mark.line + 1 if node is not None else None
    for step in where:
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == step]
            if not match:
                break
            node = match[0][1]
            line = match[0][0].start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _duplicate_keys(node: Optional[yaml.Node]) -> Iterable[Tuple[int, str]]:
    """PyYAML keeps the last of two equal keys in silence; a clinician would lose an expectation."""
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if key.value in seen:
                yield key.start_mark.line + 1, key.value
            seen.add(key.value)
            yield from _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item)


# ----------------------------------------------------------------------------- schema messages


@lru_cache(maxsize=1)
def load_schema() -> Dict[str, Any]:
    """The shipped JSON Schema (bot/flows/scenario.schema.json)."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def _where(data: Any, path: Sequence[Any]) -> str:
    """A path in words: 'scenario 2 ("Fever in a carer's words"), turn 3, `level`'."""
    words: List[str] = []
    node = data
    for i, step in enumerate(path):
        parent = path[i - 1] if i else None
        if parent == "scenarios" and isinstance(step, int):
            name = node[step].get("name") if isinstance(node[step], dict) else None
            words.append(f"scenario {step + 1}" + (f' ("{name}")' if name else ""))
        elif parent == "turns" and isinstance(step, int):
            words.append(f"turn {step + 1}")
        elif isinstance(step, int):
            words.append(f"item {step + 1}")
        elif step not in ("scenarios", "turns"):
            words.append(f"`{step}`")
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    return ", ".join(words) or "the file"


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value)"
    return repr(value)


def _closest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unknown_levels(value: Any) -> List[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if isinstance(v, str) and v not in REPORTED_LEVELS]


def _schema_messages(error: jsonschema.ValidationError, data: Any) -> List[Tuple[List[Any], str]]:
    """Clinician-readable messages for one schema error, each with the path it is about."""
    path = list(error.absolute_path)
    if error.validator == "oneOf" and path[-2:-1] == ["turns"] and isinstance(error.instance, dict):
        # The turn is a mapping, so every mistake is inside it (the second branch of the oneOf).
        inner = [e for e in error.context if list(e.relative_schema_path)[:1] == [1]]
        if inner:
            return [m for e in inner for m in _schema_messages(e, data)]
    return [_schema_message(error, data)]


def _schema_message(error: jsonschema.ValidationError, data: Any) -> Tuple[List[Any], str]:
    """A clinician-readable message for one schema error, and the path it is about."""
    path = list(error.absolute_path)
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    where = _where(data, path)
    value = error.instance
    validator = error.validator
    if key == "level" and _unknown_levels(value):
        bad = _unknown_levels(value)[0]
        return (
            path,
            f"{where}: unknown level '{bad}'{_closest(bad, REPORTED_LEVELS)}; use one of: {', '.join(REPORTED_LEVELS)}",
        )
    if validator == "oneOf" and isinstance(value, dict) and path[-2:-1] == ["turns"] and path[-1:] != []:
        if "patient" in value and "clock" in value:
            return path, f"{where}: a turn is either `patient:` (a message) or `clock:` (time passes), not both"
        if "patient" not in value and "clock" not in value:
            return path, f"{where}: `patient` is missing (or `clock:` for time passing)"
    if validator == "oneOf" and path[-2:-1] == ["turns"]:
        return path, (
            f"{where} is {_describe(value)}: write the patient's words (in quotes if they contain a colon, "
            "or are a number), or `patient:` with expectations under it"
        )
    if validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = [k for k in value if k not in allowed]
        bad = extra[0] if extra else "?"
        return path + [bad], f"{where}: unknown key '{bad}'{_closest(bad, allowed)}; allowed here: {', '.join(allowed)}"
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        if missing in ("patient", "clock"):
            return path, f"{where}: `patient` is missing (or `clock:` for time passing)"
        return path, f"{where}: `{missing}` is missing"
    if validator == "minItems" and value == []:
        if key == "turns":
            return path, f"{where}: the turns are empty; write at least one thing the patient says"
        return path, f"{where}: the list is empty"
    if validator == "minLength":
        return path, f"{where}: the text is empty"
    if validator == "pattern" and key == "understood":
        return path, (
            f"{where}: '{value}' is not 'symptom id' or 'symptom id, context' "
            f"(for example 'confusion, not negated'; contexts: {', '.join(CONTEXTS)})"
        )
    if validator == "pattern" and key == "clock":
        return path, f"{where}: '{value}' is not a time; write it as `2 hours`, `30 minutes` or `1 day`"
    if validator == "pattern":
        return path, f"{where}: '{value}' is not an id (lower-case letters and _)"
    if validator == "enum":
        options = [str(o) for o in error.validator_value]
        return path, f"{where}: '{value}' is not one of: {', '.join(options)}{_closest(value, options)}"
    if validator == "minimum":
        return path, f"{where}: must be {error.validator_value} or more, not {value}"
    if validator == "uniqueItems":
        return path, f"{where}: lists the same value twice"
    if validator in ("type", "oneOf"):
        expected = {
            "string": "text",
            "array": "a list",
            "object": "a mapping (key: value)",
            "integer": "a whole number",
        }
        wanted = error.validator_value if validator == "type" else None
        if key in ("says", "never says"):
            return path, f"{where} is {_describe(value)}: write a phrase, or a list of phrases"
        if wanted in expected:
            return path, f"{where} is {_describe(value)}, but should be {expected[wanted]}"
        return path, f"{where} is {_describe(value)}, which is not allowed here"
    return path, f"{where}: {error.message}"


# ----------------------------------------------------------------------------- loading


def _phrases(value: Any) -> Tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _levels(value: Any) -> Tuple[str, ...]:
    if value is None:
        return ()
    values = (value,) if isinstance(value, str) else tuple(value)
    return tuple(sorted(values, key=rank))


def parse_understood(written: str) -> Understood:
    """ "confusion, not negated" -> Understood(id="confusion", contexts=("not negated",))."""
    parts = [p.strip() for p in written.split(",")]
    return Understood(written=written.strip(), id=parts[0], contexts=tuple(p for p in parts[1:] if p))


def _list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else []


def _check_ids(
    item: Dict[str, Any], path: List[Any], catalogue: Catalogue, data: Any
) -> Iterable[Tuple[List[Any], str]]:
    """Ids and contexts against the catalogue: a typo here would make a check that can never pass.

    Runs on whatever is well-formed even when the schema found other mistakes, so a clinician
    sees every mistake in one go.
    """
    raw_expect = item.get("expect")
    expect: Dict[str, Any] = raw_expect if isinstance(raw_expect, dict) else {}
    for i, sid in enumerate(_list(expect.get("symptoms"))):
        if isinstance(sid, str) and sid not in catalogue.symptoms:
            where = _where(data, [*path, "expect", "symptoms"])
            yield (
                [*path, "expect", "symptoms", i],
                (
                    f"{where}: unknown symptom id '{sid}'{_closest(sid, catalogue.symptoms)} "
                    "(the ids are in bot/knowledge/catalogue.yml)"
                ),
            )
    known = {**catalogue.symptoms, **catalogue.routes, **catalogue.events}
    turns = _list(item.get("turns"))
    for t, turn in enumerate(turns):
        if isinstance(turn, str) and TURN_KEY_WITHOUT_COLON.match(turn):
            word = turn.split()[0]
            yield (
                [*path, "turns", t],
                (
                    f"{_where(data, [*path, 'turns', t])}: '{turn[:40]}' starts with `{word}` but has no colon; "
                    f"write `patient: ...` (if the patient really types the word, `patient: {turn[:20]}...`)"
                ),
            )
        if not isinstance(turn, dict):
            continue
        for u, written in enumerate(_list(turn.get("understood"))):
            if not isinstance(written, str) or not written.strip():
                continue
            expectation = parse_understood(written)
            where = _where(data, [*path, "turns", t, "understood"])
            if expectation.id not in known:
                yield (
                    [*path, "turns", t, "understood", u],
                    (
                        f"{where}: unknown symptom id '{expectation.id}'{_closest(expectation.id, known)} "
                        "(symptom, route and event ids are in bot/knowledge/catalogue.yml)"
                    ),
                )
            for context in expectation.contexts:
                if context not in CONTEXTS:
                    yield (
                        [*path, "turns", t, "understood", u],
                        (
                            f"{where}: unknown context '{context}' in '{written}'{_closest(context, CONTEXTS)}; "
                            f"use: {', '.join(CONTEXTS)}"
                        ),
                    )
            if len([c for c in expectation.contexts if c in ASSERTIONS]) > 1:
                yield [*path, "turns", t, "understood", u], f"{where}: '{written}' asks for two contexts at once"
    in_turn = expect.get("in turn")
    if isinstance(in_turn, int) and not isinstance(in_turn, bool) and turns and in_turn > len(turns):
        yield (
            [*path, "expect", "in turn"],
            (
                f"{_where(data, [*path, 'expect', 'in turn'])}: turn {in_turn}, "
                f"but the scenario has only {len(turns)} turn{'s' if len(turns) > 1 else ''}"
            ),
        )


def _turn(value: Any, line: Optional[int]) -> Turn:
    if isinstance(value, str):
        return Turn(patient=value, line=line)
    clock = hours_in(value["clock"]) if "clock" in value else None
    said = value.get("patient")
    wordings = [said] if isinstance(said, str) else list(said or [])
    return Turn(
        patient=wordings[0] if wordings else f"({value['clock'].strip()} later)",
        line=line,
        wordings=tuple(wordings[1:]),
        clock=clock,
        levels=_levels(value.get("level")),
        asks=value.get("asks"),
        says=_phrases(value.get("says")),
        never_says=_phrases(value.get("never says")),
        starts_with=value.get("starts with"),
        understood=tuple(parse_understood(u) for u in value.get("understood") or []),
    )


def load_file(path: Path, catalogue: Optional[Catalogue] = None) -> ScenarioFile:
    """Read and check one scenario file; raises ScenarioError listing every mistake."""
    catalogue = catalogue or load_catalogue()
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ScenarioError([Problem(shown, None, f"cannot be read: {e}")]) from None
    data, node = _parse(text, shown)
    if data is None:
        raise ScenarioError([Problem(shown, None, "the file is empty: it needs `topic:` and `scenarios:`")])
    found: List[Tuple[List[Any], str]] = []
    for line, key in _duplicate_keys(node):
        found.append((["@line", line], f"`{key}` is written twice in the same place; only the last one would count"))
    validator = jsonschema.Draft7Validator(load_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        found.extend(_schema_messages(error, data))
    scenarios = data.get("scenarios") if isinstance(data, dict) else None
    if isinstance(scenarios, list):
        names: Dict[str, int] = {}
        for i, item in enumerate(scenarios):
            if not isinstance(item, dict):
                continue
            found.extend(_check_ids(item, ["scenarios", i], catalogue, data))
            name = str(item.get("name"))
            if name in names:
                message = f'scenario {i + 1}: the name "{name}" is already used by scenario {names[name] + 1}'
                found.append((["scenarios", i, "name"], message))
            names.setdefault(name, i)
    if found:
        problems = [Problem(shown, p[1] if p[:1] == ["@line"] else _line(node, p), message) for p, message in found]
        raise ScenarioError(sorted(problems, key=lambda p: p.line or 0))
    topic = data["topic"]
    out = []
    for i, item in enumerate(data["scenarios"]):
        expect = item["expect"]
        out.append(
            Scenario(
                name=item["name"],
                file=shown,
                topic=topic,
                line=_line(node, ["scenarios", i]),
                turns=tuple(_turn(t, _line(node, ["scenarios", i, "turns", j])) for j, t in enumerate(item["turns"])),
                levels=_levels(expect["level"]),
                in_turn=expect.get("in turn"),
                says=_phrases(expect.get("says")),
                never_says=_phrases(expect.get("never says")),
                symptoms=tuple(expect.get("symptoms") or ()),
                tags=tuple(item.get("tags") or ()),
                why=item.get("why", ""),
            )
        )
    return ScenarioFile(shown, topic, data.get("description", ""), tuple(out))


def scenario_paths(paths: Iterable[Path]) -> List[Path]:
    """Files as given, and every *.yml / *.yaml under the folders given, in a stable order."""
    out: List[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
        else:
            out.append(path)
    return out


def load_paths(paths: Iterable[Path]) -> Tuple[List[ScenarioFile], List[Problem]]:
    """Every scenario file under `paths`, and every problem found in any of them."""
    files: List[ScenarioFile] = []
    problems: List[Problem] = []
    found = scenario_paths(paths)
    for path in found:
        if not path.exists():
            problems.append(Problem(str(path), None, "no such file or folder"))
            continue
        try:
            files.append(load_file(path))
        except ScenarioError as e:
            problems += e.problems
    if not found:
        problems.append(Problem(", ".join(str(p) for p in paths), None, "no scenario files (*.yml) found"))
    return files, problems


# ----------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class Coverage:
    """Which catalogue symptoms the scenarios check (named in `symptoms:` or `understood:`)."""

    covered: Dict[str, List[str]] = field(default_factory=dict)  # symptom id -> scenario ids
    uncovered: List[str] = field(default_factory=list)
    uncovered_red_flags: List[str] = field(default_factory=list)
    red_flags: List[str] = field(default_factory=list)


def coverage(scenarios: Iterable[Scenario], catalogue: Optional[Catalogue] = None) -> Coverage:
    catalogue = catalogue or load_catalogue()
    covered: Dict[str, List[str]] = {}
    for scenario in scenarios:
        for sid in scenario.named_symptoms:
            covered.setdefault(sid, []).append(scenario.id)
    uncovered = [s for s in catalogue.symptoms if s not in covered]
    red_flags = [s.id for s in catalogue.red_flags]
    return Coverage(covered, uncovered, [s for s in red_flags if s not in covered], red_flags)
