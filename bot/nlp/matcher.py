"""A spaCy component that marks catalogue symptoms, routes and events as entities.

Built from the catalogue each time the pipeline loads, so the saved pipeline never holds a
stale copy of the phrases. spaCy's `EntityRuler` would persist its patterns to disk with the
pipeline (a second, stale copy of the catalogue); a `Matcher` built here avoids that.
"""

import re
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from bot.knowledge import load_catalogue
from bot.knowledge.catalogue import NumberRule
from bot.nlp.amounts import amount_taken, carries_mg

LABELS = {"symptoms": "SYMPTOM", "routes": "ROUTE", "events": "EVENT"}
# Symptoms that win any overlap with another match (see `select_spans`).
RED_FLAG_SEVERITIES = ("red_flag", "pump_red_flag")
# The match label of an item's `not_when` wordings: they only cancel that item's matches inside them.
NOT_WHEN = "NOT_WHEN"
# The doc's span group of the `not_when` wordings that cancelled a match.
NOT_WHEN_SPANS = "not_when"
WILDCARD = "*"
# Words a `*` never stands for: "seeing * things" must find "seeing weird things", not "see how things went".
NOT_WILDCARD = ["how", "if", "whether", "why"]
_ELONGATED = re.compile(r"([a-z])\1{2,}")
# Words allowed between a trigger and its number: "temp is about 38.9", "took like 15".
FILLERS = {
    "says",
    "said",
    "reads",
    "shows",
    "showed",
    "hit",
    "up",
    "to",
    "or",
    "is",
    "was",
    "of",
    "at",
    "like",
    "about",
    "around",
    "maybe",
    "over",
    "rate",
    "nearly",
    "almost",
    "a",
    "it's",
    "its",
    "only",
    "just",
    "down",
    "dropped",
    "went",
    "been",
    "still",
    "barely",
    ":",
}


@Language.factory("baclofen_finding_matcher")
def make_finding_matcher(nlp: Language, name: str) -> "FindingMatcher":
    return FindingMatcher(nlp)


class FindingMatcher:
    """Sets `doc.ents` to non-overlapping catalogue matches: red flags first, then the longest.

    Each entity's `label_` is SYMPTOM, ROUTE or EVENT and its `ent_id_` the catalogue id.
    """

    def __init__(self, nlp: Language) -> None:
        self._lemmas = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self._matcher = Matcher(nlp.vocab)
        self._number_rules: List[Tuple[str, str, NumberRule]] = []
        catalogue = load_catalogue()
        self._red_flags = frozenset(s.id for s in catalogue.symptoms.values() if s.severity in RED_FLAG_SEVERITIES)
        for group, label in LABELS.items():
            for item in getattr(catalogue, group).values():
                learned_or_not = (*item.phrases, *getattr(item, "lexicon_only", ()))
                patterns = self._patterns(nlp, learned_or_not, with_lemmas=True)
                patterns += self._patterns(nlp, getattr(item, "exact", ()), with_lemmas=False)
                self._matcher.add(f"{label}|{item.id}", patterns)
                if getattr(item, "not_when", ()):
                    # As written, not by lemma: "refill is due next week" must not take "was due" (a review).
                    self._matcher.add(f"{NOT_WHEN}|{item.id}", self._patterns(nlp, item.not_when, with_lemmas=False))
                self._number_rules += [(label, item.id, r) for r in getattr(item, "numbers", ())]

    def _patterns(self, nlp: Language, phrases: Iterable[str], with_lemmas: bool) -> List[List[Dict[str, object]]]:
        """One pattern on the written words per phrase; for phrases of several words also one on lemmas.

        Single words match only as written (the catalogue lists their forms) because their
        lemma can be ambiguous ("fits" -> "fit", "stopped" -> "stop").
        """
        out: List[List[object]] = []
        for phrase in phrases:
            slots = self._slots(nlp, phrase)
            out.append([self._token(slot, "NORM") for slot in slots])
            if with_lemmas and len([x for x in slots if x != WILDCARD]) > 1:
                out.append([self._token(slot, "LEMMA") for slot in slots])
        flat: List[List[Dict[str, object]]] = [
            [t for tok in pattern for t in (tok if isinstance(tok, list) else [tok])] for pattern in out
        ]
        return flat

    @staticmethod
    def _slots(nlp: Language, phrase: str) -> List[object]:
        """Split a phrase into words, `*` wildcards and `(a|b|c)` alternatives."""
        slots: List[object] = []
        for part in phrase.split():
            if part == WILDCARD:
                slots.append(WILDCARD)
            elif part.startswith("(") or part.endswith(")"):
                if not (part.startswith("(") and part.endswith(")") and "|" in part):
                    raise ValueError(f"phrase {phrase!r}: alternatives are written (one|two), single words only")
                choices = part[1:-1].split("|")
                # "(can't|cant)" never matched "can't" (two tokens, "ca" and "n't"): such a choice
                # is written as a phrase of its own (a review of the change, 2026-12-01).
                several = [w for w in choices if len(nlp.make_doc(w)) != 1]
                if several:
                    raise ValueError(
                        f"phrase {phrase!r}: {several} are several tokens; write them as phrases of their own"
                    )
                slots.append(tuple(normalise(w) for w in choices))
            else:
                slots += [normalise(t.text) for t in nlp.make_doc(part)]
        return slots

    def _token(self, slot: object, attr: str) -> object:
        if slot == WILDCARD:
            word = {"OP": "?", "LOWER": {"NOT_IN": NOT_WILDCARD}}
            return [word, dict(word)]
        if isinstance(slot, tuple):
            values = sorted({self._lemma(w) for w in slot} | set(slot)) if attr == "LEMMA" else list(slot)
            return {attr: {"IN": values}}
        return {attr: self._lemma(str(slot)) if attr == "LEMMA" else slot}

    def _lemma(self, word: str) -> str:
        return str(self._lemmas.get(word, word))

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            token.norm_ = normalise(token.lower_)
        spans: List[Span] = []
        not_when: List[Span] = []
        for match_id, start, end in self._matcher(doc):
            label, ident = doc.vocab.strings[match_id].split("|", 1)
            (not_when if label == NOT_WHEN else spans).append(Span(doc, start, end, label=label, span_id=ident))
        spans += self._number_spans(doc)
        cancelling = [w for w in not_when if any(_inside(s, w) for s in spans)]
        spans = [s for s in spans if not any(_inside(s, w) for w in cancelling)]
        # Kept on the doc: the learned layer blanks these words too (they said something else).
        doc.spans[NOT_WHEN_SPANS] = cancelling
        doc.ents = select_spans(spans, self._red_flags)  # type: ignore[assignment]  # spaCy 3.4 types it as a one-Span tuple
        return doc

    def _number_spans(self, doc: Doc) -> List[Span]:
        """Spans for numbers the catalogue gives a meaning to (a high temperature, many tablets)."""
        spans: List[Span] = []
        read_until = 0  # the tokens of a reading already read ("120 over 80" is one reading)
        for token in doc:
            if token.i < read_until:
                continue
            reading, read_until = _pressure_at(doc, token.i)
            if reading is not None:
                spans += [
                    Span(doc, token.i, read_until, label=label, span_id=ident)
                    for label, ident, rule in self._number_rules
                    if rule.pressure and rule.accepts(reading[0])
                ]
                continue
            value = _as_number(token.text)
            if value is None and not carries_mg(token.text):
                continue  # not a number: most tokens, so the trigger is only looked for at numbers
            trigger = _trigger_before(doc, token.i)
            spans += self._amount_spans(doc, token.i, trigger)
            if value is None:
                continue
            after = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
            for label, ident, rule in self._number_rules:
                if rule.pressure or rule.amount or not rule.accepts(value) or after in rule.not_before:
                    continue
                if trigger is not None and doc[trigger].lower_ in rule.after:
                    spans.append(Span(doc, trigger, token.i + 1, label=label, span_id=ident))
                elif followed := _followed_by(doc, token.i + 1, rule.before):
                    spans.append(Span(doc, token.i, token.i + 1 + followed, label=label, span_id=ident))
                elif rule.decimal and "." in token.text:
                    spans.append(Span(doc, token.i, token.i + 1, label=label, span_id=ident))
        return spans

    def _amount_spans(self, doc: Doc, i: int, trigger: Optional[int]) -> List[Span]:
        """Spans for milligrams taken at once, from the trigger word ("took") to the amount's end."""
        spans = []
        for label, ident, rule in self._number_rules:
            if not rule.amount or trigger is None or doc[trigger].lower_ not in rule.after:
                continue
            reading = amount_taken(doc, i, rule.tablet_mg)
            if reading is not None and rule.accepts(reading[0]):
                spans.append(Span(doc, trigger, reading[1], label=label, span_id=ident))
        return spans


def normalise(word: str) -> str:
    """Lower case with letters typed three or more times in a row cut to one ("soooo" -> "so")."""
    return _ELONGATED.sub(r"\1", word.lower())


def _as_number(text: str) -> Optional[float]:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


_PRESSURE = re.compile(r"^(\d{2,3})/(\d{2,3})$")


def _pressure_at(doc: Doc, i: int) -> Tuple[Optional[Tuple[int, int]], int]:
    """The blood-pressure reading that starts at token i ("85/50", or in words "120 over 80"), and
    the index after it; (None, i + 1) when there is none."""
    words = doc[i : i + 3]
    if len(words) == 3 and words[1].lower_ == "over" and words[0].text.isdigit() and words[2].text.isdigit():
        reading = _as_pressure(f"{words[0].text}/{words[2].text}")
        if reading is not None:
            return reading, i + 3
    return _as_pressure(doc[i].text), i + 1


def _as_pressure(text: str) -> Optional[Tuple[int, int]]:
    """(systolic, diastolic) for a plausible blood-pressure reading such as "85/50", else None."""
    found = _PRESSURE.match(text)
    if not found:
        return None
    systolic, diastolic = int(found.group(1)), int(found.group(2))
    return (systolic, diastolic) if 20 <= diastolic <= 140 and systolic > diastolic else None


def _followed_by(doc: Doc, start: int, phrases: Iterable[str]) -> int:
    """How many words of the first of `phrases` ("bpm", "beats per minute") stand at `start`; 0 if none."""
    for phrase in phrases:
        words = phrase.split()
        if [t.lower_ for t in doc[start : start + len(words)]] == words:
            return len(words)
    return 0


def _trigger_before(doc: Doc, i: int) -> Optional[int]:
    """Index of the word before the number, skipping up to three fillers (and "4 or 5")."""
    j = i - 1
    while j >= 0 and i - j <= 4 and (doc[j].lower_ in FILLERS or _as_number(doc[j].text) is not None):
        j -= 1
    return j if j >= 0 and i - j <= 4 else None


def _inside(span: Span, not_when: Span) -> bool:
    """Is `span` a match of the concept that `not_when` (a wording that means something else) covers?"""
    return span.id_ == not_when.id_ and not_when.start <= span.start and span.end <= not_when.end


def select_spans(spans: List[Span], red_flags: FrozenSet[str] = frozenset()) -> Tuple[Span, ...]:
    """Non-overlapping spans in text order. Where matches overlap, a red flag wins ("feel high
    temperature": fever, not craving), then the longest ("pump alarm" over "pump"), then the
    earlier. spaCy's `filter_spans` only knows length, and a lost red flag is an under-triage."""
    ranked = sorted(spans, key=lambda s: (s.label_ != "SYMPTOM" or s.id_ not in red_flags, -len(s), s.start))
    taken: List[Span] = []
    used: Set[int] = set()
    for span in ranked:
        if not used.intersection(range(span.start, span.end)):
            taken.append(span)
            used.update(range(span.start, span.end))
    return tuple(sorted(taken, key=lambda s: s.start))
