"""Reading a scenario file's YAML so that every mistake can name its line.

Its own module because PyYAML alone would lose what a clinician needs: the line of each value
(from the composed node tree), keys written twice (PyYAML keeps the last in silence), `yes`/`no`
as the words a patient types (not booleans), and YAML's own errors in plain words.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional, Sequence, Tuple

import yaml

from bot.flows.scenario.problems import Problem, ScenarioError


class _Loader(yaml.SafeLoader):
    """YAML 1.2-style booleans: a patient who types `no` or `yes` means the word, not false/true."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_yaml(text: str, path: str) -> Tuple[Any, Optional[yaml.Node]]:
    """The data and its node tree (for lines); not valid YAML is a ScenarioError with the line, in words."""
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


def line_of(node: Optional[yaml.Node], where: Sequence[Any]) -> Optional[int]:
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


def duplicate_keys(node: Optional[yaml.Node]) -> Iterable[Tuple[int, str]]:
    """PyYAML keeps the last of two equal keys in silence; a clinician would lose an expectation."""
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if key.value in seen:
                yield key.start_mark.line + 1, key.value
            seen.add(key.value)
            yield from duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from duplicate_keys(item)
