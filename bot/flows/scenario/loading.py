"""Loading scenario files: each file, or every file under a folder, into Scenarios, or every mistake.

Its own module because it is the one door in: it reads the YAML (`yaml_lines`), gathers every
mistake at once (`messages`: the schema's, the catalogue's, names used twice) with its line, and
only from a file without mistakes builds the `model` the runner plays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import jsonschema

from bot.checkins.plan import hours_in
from bot.flows.scenario.messages import check_ids, load_schema, schema_messages
from bot.flows.scenario.model import Scenario, ScenarioFile, Turn, parse_understood
from bot.flows.scenario.problems import Problem, ScenarioError
from bot.flows.scenario.yaml_lines import duplicate_keys, line_of, parse_yaml
from bot.knowledge import Catalogue, load_catalogue
from bot.triage import reported_rank


def _phrases(value: Any) -> Tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _levels(value: Any) -> Tuple[str, ...]:
    if value is None:
        return ()
    values = (value,) if isinstance(value, str) else tuple(value)
    return tuple(sorted(values, key=reported_rank))


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
    data, node = parse_yaml(text, shown)
    if data is None:
        raise ScenarioError([Problem(shown, None, "the file is empty: it needs `topic:` and `scenarios:`")])
    found: List[Tuple[List[Any], str]] = []
    for line, key in duplicate_keys(node):
        found.append((["@line", line], f"`{key}` is written twice in the same place; only the last one would count"))
    validator = jsonschema.Draft7Validator(load_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        found.extend(schema_messages(error, data))
    scenarios = data.get("scenarios") if isinstance(data, dict) else None
    if isinstance(scenarios, list):
        names: Dict[str, int] = {}
        for i, item in enumerate(scenarios):
            if not isinstance(item, dict):
                continue
            found.extend(check_ids(item, ["scenarios", i], catalogue, data))
            name = str(item.get("name"))
            if name in names:
                message = f'scenario {i + 1}: the name "{name}" is already used by scenario {names[name] + 1}'
                found.append((["scenarios", i, "name"], message))
            names.setdefault(name, i)
    if found:
        problems = [Problem(shown, p[1] if p[:1] == ["@line"] else line_of(node, p), message) for p, message in found]
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
                line=line_of(node, ["scenarios", i]),
                turns=tuple(_turn(t, line_of(node, ["scenarios", i, "turns", j])) for j, t in enumerate(item["turns"])),
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
