"""The words of the triage reasons and the sources line (bot/knowledge/reasons.yml), keyed by rule id.

Strict like the other loaders: a missing or unknown key, a text that is not a string, and a
placeholder its rule does not supply all fail at load time, not in a conversation.
"""

import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterator, Tuple

import yaml

from bot.knowledge._files import read_yaml
from bot.knowledge.catalogue import CatalogueError

REASONS_FILE = "reasons.yml"

# Every text, by its dotted path in the file, with the placeholders its user supplies (the triage
# engine for `reasons.*` and `who.*`; the actions and the doctor's summary for `sources_line.*`).
PLACEHOLDERS: Dict[str, FrozenSet[str]] = {
    key: frozenset(names)
    for key, names in {
        "reasons.red_flag": {"plain"},
        "reasons.pump_boxed_warning": {"who", "found"},
        "reasons.pump_problem_with_signs": {"found"},
        "reasons.pump_itching_low_bp": set(),
        "reasons.overdose_signs": {"what", "found"},
        "reasons.racing_heart_feeling_faint": set(),
        "reasons.emergency_screen": set(),
        "reasons.emergency_screen_unsure": set(),
        "reasons.pump_problem": set(),
        "reasons.pump_early_signs": {"who", "found"},
        "reasons.abrupt_stop.with_symptoms": {"found", "what"},
        "reasons.abrupt_stop.without_symptoms": {"what"},
        "reasons.more_than_prescribed.taken": set(),
        "reasons.more_than_prescribed.craving": set(),
        "reasons.depressant_mix": {"what"},
        "reasons.withdrawal_signs_unclear": {"found"},
        "reasons.symptoms_routine.tapering": {"found"},
        "reasons.symptoms_routine.side_effects": {"found"},
        "reasons.no_symptoms": set(),
        "who.pump": set(),
        "who.route_unknown": set(),
        "sources_line.reasons": {"titles"},
        "sources_line.answer": {"titles"},
    }.items()
}
# Lists from the catalogue (in lower case): capitalised when they open a sentence.
LISTS = frozenset({"plain", "found", "what"})


@dataclass(frozen=True)
class ReasonTexts:
    """The texts by dotted path ("reasons.abrupt_stop.with_symptoms"), whitespace normalised."""

    texts: Dict[str, str]

    def say(self, key: str, **values: str) -> str:
        """The text filled in; a list opening the sentence gets a capital ("Tremor, sweating can ...")."""
        text = self.texts[key]
        if text.startswith("{") and not text.startswith("{{"):
            opening = text[1 : text.index("}")]
            if opening in LISTS:
                values = {**values, opening: values[opening].capitalize()}
        return text.format(**values)

    def reason(self, rule_id: str, variant: str = "", **values: str) -> str:
        """A rule's reason; `variant` for rules with more than one ("with_symptoms")."""
        return self.say(f"reasons.{rule_id}" + (f".{variant}" if variant else ""), **values)

    def sources_line(self, which: str, titles: str) -> str:
        """The sources line after the reasons (`which` "reasons") or an answer ("answer")."""
        return self.say(f"sources_line.{which}", titles=titles)

    @property
    def rule_ids(self) -> FrozenSet[str]:
        return frozenset(key.split(".")[1] for key in self.texts if key.startswith("reasons."))


def _leaves(data: Any, path: Tuple[str, ...] = ()) -> Iterator[Tuple[str, Any]]:
    """(dotted path, value) of every text in the nested mappings."""
    if not isinstance(data, dict) or (path and not data):
        yield ".".join(path), data
        return
    for key, value in data.items():
        if "." in str(key):
            raise CatalogueError(f"{REASONS_FILE}: key {'.'.join((*path, str(key)))!r}: nest it, no dots in keys")
        yield from _leaves(value, (*path, str(key)))


def _check_placeholders(key: str, text: str) -> None:
    supplied = PLACEHOLDERS[key]
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)]
    except ValueError as e:
        raise CatalogueError(f"{REASONS_FILE}: {key}: {e} (write {{{{ or }}}} for a brace)") from e
    for name, spec, conversion in fields:
        if name is None:
            continue
        if name not in supplied or spec or conversion:
            offered = ", ".join(f"{{{n}}}" for n in sorted(supplied)) or "none"
            raise CatalogueError(
                f"{REASONS_FILE}: {key}: placeholder {{{name}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}} is not one this text is given (it may use: {offered})"
            )


def parse_reasons(data: Any) -> ReasonTexts:
    """Check parsed YAML against PLACEHOLDERS and return the texts."""
    if not isinstance(data, dict):
        raise CatalogueError(f"{REASONS_FILE}: expected a mapping, got {type(data).__name__}")
    leaves = dict(_leaves(data))
    unknown = leaves.keys() - PLACEHOLDERS.keys()
    if unknown:
        raise CatalogueError(f"{REASONS_FILE}: unknown keys {sorted(unknown)}")
    missing = PLACEHOLDERS.keys() - leaves.keys()
    if missing:
        raise CatalogueError(f"{REASONS_FILE}: missing keys {sorted(missing)}")
    texts: Dict[str, str] = {}
    for key in PLACEHOLDERS:
        value = leaves[key]
        if not isinstance(value, str) or not value.strip():
            raise CatalogueError(f"{REASONS_FILE}: {key}: expected a text, got {value!r}")
        _check_placeholders(key, value)
        texts[key] = " ".join(value.split())
    return ReasonTexts(texts)


def dump_reasons(reasons: ReasonTexts) -> str:
    """The texts as YAML in the file's shape (without its comments)."""
    tree: Dict[str, Any] = {}
    for key, text in reasons.texts.items():
        *parents, leaf = key.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = text
    return yaml.safe_dump(tree, sort_keys=False, allow_unicode=True, width=100)


@lru_cache(maxsize=1)
def load_reasons() -> ReasonTexts:
    """The shipped texts (cached)."""
    return parse_reasons(read_yaml(REASONS_FILE))
