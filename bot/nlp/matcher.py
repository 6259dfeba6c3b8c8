"""A spaCy component that marks catalogue symptoms, routes and events as entities.

Built from the catalogue each time the pipeline loads, so the saved pipeline never holds a
stale copy of the phrases. spaCy's `EntityRuler` would persist its patterns to disk with the
pipeline (a second, stale copy of the catalogue); a `Matcher` built here avoids that.
"""

from typing import Dict, Iterable, List, Optional, Tuple

from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from bot.knowledge import load_catalogue
from bot.knowledge.catalogue import NumberRule

LABELS = {"symptoms": "SYMPTOM", "routes": "ROUTE", "events": "EVENT"}
WILDCARD = "*"
# Words allowed between a trigger and its number: "temp is about 38.9", "took like 15".
FILLERS = {
    "is",
    "was",
    "of",
    "at",
    "like",
    "about",
    "around",
    "maybe",
    "over",
    "nearly",
    "almost",
    "a",
    "it's",
    "its",
    ":",
}


@Language.factory("baclofen_finding_matcher")
def make_finding_matcher(nlp: Language, name: str) -> "FindingMatcher":
    return FindingMatcher(nlp)


class FindingMatcher:
    """Sets `doc.ents` to the longest non-overlapping catalogue matches.

    Each entity's `label_` is SYMPTOM, ROUTE or EVENT and its `ent_id_` the catalogue id.
    """

    def __init__(self, nlp: Language) -> None:
        self._lemmas = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self._matcher = Matcher(nlp.vocab)
        self._number_rules: List[Tuple[str, str, NumberRule]] = []
        catalogue = load_catalogue()
        for group, label in LABELS.items():
            for item in getattr(catalogue, group).values():
                patterns = self._patterns(nlp, item.phrases, with_lemmas=True)
                patterns += self._patterns(nlp, getattr(item, "exact", ()), with_lemmas=False)
                self._matcher.add(f"{label}|{item.id}", patterns)
                self._number_rules += [(label, item.id, r) for r in getattr(item, "numbers", ())]

    def _patterns(self, nlp: Language, phrases: Iterable[str], with_lemmas: bool) -> List[List[Dict[str, object]]]:
        """One LOWER pattern per phrase; for phrases of several words also a LEMMA pattern.

        Single words match only as written (the catalogue lists their forms) because their
        lemma can be ambiguous ("fits" -> "fit", "stopped" -> "stop").
        """
        out: List[List[Dict[str, object]]] = []
        for phrase in phrases:
            words = [t.lower_ for t in nlp.make_doc(phrase)]
            out.append(self._pattern(words, "LOWER"))
            if with_lemmas and len([w for w in words if w != WILDCARD]) > 1:
                out.append(self._pattern([self._lemma(w) for w in words], "LEMMA"))
        return out

    def _lemma(self, word: str) -> str:
        return word if word == WILDCARD else str(self._lemmas.get(word, word))

    @staticmethod
    def _pattern(words: List[str], attr: str) -> List[Dict[str, object]]:
        pattern: List[Dict[str, object]] = []
        for word in words:
            if word == WILDCARD:
                pattern += [{"OP": "?"}, {"OP": "?"}]
            else:
                pattern.append({attr: word})
        return pattern

    def __call__(self, doc: Doc) -> Doc:
        spans: List[Span] = []
        for match_id, start, end in self._matcher(doc):
            label, ident = doc.vocab.strings[match_id].split("|", 1)
            spans.append(Span(doc, start, end, label=label, span_id=ident))
        spans += self._number_spans(doc)
        doc.ents = _longest(spans)
        return doc

    def _number_spans(self, doc: Doc) -> List[Span]:
        """Spans for numbers the catalogue gives a meaning to (a high temperature, many tablets)."""
        spans: List[Span] = []
        for token in doc:
            value = _as_number(token.text)
            if value is None:
                continue
            after = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
            trigger = _trigger_before(doc, token.i)
            for label, ident, rule in self._number_rules:
                if not rule.accepts(value) or after in rule.not_before:
                    continue
                if trigger is not None and doc[trigger].lower_ in rule.after:
                    spans.append(Span(doc, trigger, token.i + 1, label=label, span_id=ident))
                elif after in rule.before:
                    spans.append(Span(doc, token.i, token.i + 2, label=label, span_id=ident))
        return spans


def _as_number(text: str) -> Optional[float]:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _trigger_before(doc: Doc, i: int) -> Optional[int]:
    """Index of the word before the number, skipping up to two filler words."""
    j = i - 1
    while j >= 0 and i - j <= 3 and doc[j].lower_ in FILLERS:
        j -= 1
    return j if j >= 0 and i - j <= 3 else None


def _longest(spans: List[Span]) -> Tuple[Span, ...]:
    """Longest match wins ("pump alarm" over "pump"); ties go to the earlier span."""
    return tuple(sorted(filter_spans(spans), key=lambda s: s.start))
