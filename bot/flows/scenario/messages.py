"""Every mistake in a scenario file in a clinician's words: the schema's, and ids the catalogue lacks.

Its own module because the wording is the work here: jsonschema's errors become "scenario 2
("Fever"), turn 3, `level`: unknown level 'emergancy' (did you mean 'emergency'?)", and the ids
are checked against the catalogue, which the schema cannot know without going stale. Each
message comes with the path it is about, so the loader can give its line.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence, Tuple

import jsonschema

from bot.flows.scenario.model import ASSERTIONS, CONTEXTS, parse_understood
from bot.knowledge import Catalogue
from bot.triage import REPORTED_LEVELS

# The shipped JSON Schema stays beside the package (bot/flows/scenario.schema.json), where the
# scenario files' `$schema` lines and editors find it.
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "scenario.schema.json"
# "- patient I stopped ..." (a turn key without its colon) would be read as the patient's words.
TURN_KEY_WITHOUT_COLON = re.compile(r"^\s*patient\s+(?!:)\S", re.IGNORECASE)


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


def schema_messages(error: jsonschema.ValidationError, data: Any) -> List[Tuple[List[Any], str]]:
    """Clinician-readable messages for one schema error, each with the path it is about."""
    path = list(error.absolute_path)
    if error.validator == "oneOf" and path[-2:-1] == ["turns"] and isinstance(error.instance, dict):
        # The turn is a mapping, so every mistake is inside it (the second branch of the oneOf).
        inner = [e for e in error.context if list(e.relative_schema_path)[:1] == [1]]
        if inner:
            return [m for e in inner for m in schema_messages(e, data)]
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


def _list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else []


def check_ids(
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
