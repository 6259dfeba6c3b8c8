"""medspaCy ConText with the project's own rules (bot/knowledge/context_rules.yml).

The rules are ours, not medspaCy's defaults, because the defaults were written for clinical
notes: they negate too far for chat text ("can't stop seeing things") and miss lay history
("as a kid"). The rules are read from package data when the pipeline loads.
"""

from typing import Any, Dict, FrozenSet, List, Mapping, Optional

import medspacy  # noqa: F401  (registers medspaCy's spaCy extensions)
from medspacy.context import ConText, ConTextRule
from spacy.language import Language
from spacy.tokens import Doc

from bot.knowledge._files import read_yaml

RULES_FILE = "context_rules.yml"
_RULE_KEYS = {
    "literal",
    "lemmas",
    "words",
    "regex",
    "tokens",
    "category",
    "direction",
    "max_scope",
    "only_for",
    "terminated_by",
}


@Language.factory("baclofen_context")
def make_context(nlp: Language, name: str) -> "BaclofenContext":
    return BaclofenContext(nlp, name)


def load_rules(data: Optional[Mapping[str, Any]] = None) -> List[ConTextRule]:
    """ConText rules from the YAML data; unknown keys are an error."""
    data = data if data is not None else read_yaml(RULES_FILE)
    rules = []
    for entry in data["rules"]:
        unknown = set(entry) - _RULE_KEYS
        if unknown:
            raise ValueError(f"context rule {entry.get('literal')!r}: unknown keys {sorted(unknown)}")
        kwargs: Dict[str, Any] = {
            "literal": str(entry["literal"]),
            "category": entry["category"],
            "direction": entry["direction"],
        }
        if "lemmas" in entry:
            kwargs["pattern"] = [{"LEMMA": lemma} for lemma in entry["lemmas"]]
        if "regex" in entry:  # one token matching this regular expression (a year such as "2019")
            kwargs["pattern"] = [{"TEXT": {"REGEX": str(entry["regex"])}}]
        if "words" in entry:  # one token, any of these spellings (the tokeniser splits "i'm" as i + 'm)
            kwargs["pattern"] = [{"LOWER": {"IN": [str(w) for w in entry["words"]]}}]
        if "tokens" in entry:  # several tokens, each a spaCy token pattern ("died in" + a year)
            kwargs["pattern"] = [dict(t) for t in entry["tokens"]]
        if "only_for" in entry:
            kwargs["allowed_types"] = set(entry["only_for"])
        if "terminated_by" in entry:
            kwargs["terminated_by"] = set(entry["terminated_by"])
        if "max_scope" in entry:
            kwargs["max_scope"] = int(entry["max_scope"])
        elif entry["direction"] == "TERMINATE":
            # medspaCy 1.3.1's tuple_overlaps() misses a scope that lies wholly inside another,
            # so a terminator whose scope is the whole sentence never ends a shorter negation.
            # A one-word scope around the terminator makes the overlap test see it.
            kwargs["max_scope"] = 1
        rules.append(ConTextRule(**kwargs))
    return rules


class BaclofenContext(ConText):
    """ConText that drops modifiers lying inside a finding ("not sleeping" is one finding), and
    carries a negation or a hypothetical along a list of findings (`spread_through_lists`)."""

    def __init__(self, nlp: Language, name: str = "baclofen_context") -> None:
        super().__init__(nlp, name=name, rules=None, prune_on_target_overlap=True)
        self.add(load_rules())

    def __call__(self, doc: Doc) -> Doc:
        return spread_through_lists(super().__call__(doc))


# Words that may stand between two findings of one list. The cues' reach is kept short on purpose
# (a negation that reaches too far hides a red flag), so "I don't have a fever or seizures" left
# the seizures present, and "watch out for fever, hallucinations and seizures" the last two
# (collision probe of the running bot, 2026-12-01). A negation goes on only across "or"/"nor"
# ("no fever and seizures" may mean seizures); a hypothetical also across commas and "and".
_LIST_FILLERS = frozenset({"a", "an", "any", "no"})
_NEGATION_JOINS: FrozenSet[str] = frozenset({"or", "nor"})
_HYPOTHETICAL_JOINS: FrozenSet[str] = frozenset({"or", "nor", "and", ","})


def spread_through_lists(doc: Doc) -> Doc:
    """Give a negated or hypothetical finding's context to the findings listed right after it."""
    ents = sorted(doc.ents, key=lambda e: e.start)
    for first, then in zip(ents, ents[1:], strict=False):
        words = [t.lower_ for t in doc[first.end : then.start]]
        joins = [w for w in words if w not in _LIST_FILLERS]
        if not joins or then._.is_negated or then._.is_hypothetical or first.label_ != then.label_:
            # Only along a list of one kind: "I wonder if he took too much, unresponsive and
            # breathing slowly" must not carry the "if" of what happened onto the symptoms (a review).
            continue
        if first._.is_negated and set(joins) <= _NEGATION_JOINS and len(joins) == 1:
            then._.is_negated = True
        elif first._.is_hypothetical and set(joins) <= _HYPOTHETICAL_JOINS and len(joins) <= 2:
            then._.is_hypothetical = True
    return doc
