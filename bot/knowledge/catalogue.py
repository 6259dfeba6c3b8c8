"""The symptom catalogue: symptoms, routes and events with their phrases and sources.

Strict loading (unknown keys, unknown severities or source ids raise `CatalogueError`) because the
catalogue drives both what the bot understands and how it triages: a silent typo would be a
silent under-triage.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.knowledge._files import read_bytes, read_yaml

SEVERITIES = ("red_flag", "pump_red_flag", "withdrawal", "side_effect", "misuse")
CATALOGUE_FILE = "catalogue.yml"
SOURCES_FILE = "sources.yml"


class CatalogueError(ValueError):
    """A clinical data file does not follow its schema."""


def _check_keys(kind: str, data: Mapping[str, Any], required: set, optional: set) -> None:
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{kind}: expected a mapping, got {type(data).__name__}")
    missing = required - data.keys()
    unknown = data.keys() - required - optional
    where = data.get("id", "?")
    if missing:
        raise CatalogueError(f"{kind} {where!r}: missing keys {sorted(missing)}")
    if unknown:
        raise CatalogueError(f"{kind} {where!r}: unknown keys {sorted(unknown)}")


def _phrases(kind: str, ident: str, values: Any) -> Tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise CatalogueError(f"{kind} {ident!r}: phrases must be a list of non-empty strings")
    return tuple(v.strip().lower() for v in values)


def _not_when(kind: str, data: Mapping[str, Any]) -> Tuple[str, ...]:
    """Wordings that contain one of the item's phrases but mean something else (see Symptom.not_when)."""
    if not data.get("not_when"):
        return ()
    wordings = _phrases(kind, data["id"], data["not_when"])
    # A wording equal to a phrase would silently switch the phrase off (for a red flag, an under-triage).
    switched_off = set(wordings) & {*data["phrases"], *(data.get("lexicon_only") or ())}
    if switched_off:
        raise CatalogueError(f"{kind} {data['id']!r}: not_when repeats its own phrases {sorted(switched_off)}")
    return wordings


@dataclass(frozen=True)
class NumberRule:
    """A number that counts as a finding: "temp is 38.9", "took 15".

    The number must follow one of `after` (within a few filler words) or precede one of
    `before` (a word, or several: "beats per minute"), or (with `decimal`) be written with a
    decimal point; it must lie in [at_least, below) and not be followed by one of `not_before` (a
    unit such as "mg").
    With `pressure`, the rule reads blood-pressure readings written "85/50" instead: the first
    (systolic) number must lie in [at_least, below), and the pair must be a plausible reading
    (systolic above diastolic, diastolic 20 to 140), so dates such as "10/12" never match.
    With `amount`, the rule reads the milligrams of baclofen taken at once after one of `after`
    ("took 15 of my 20mg", "took 200mg of baclofen", "200mg instead of 20mg"; bot/nlp/amounts.py):
    that total must lie in [at_least, below). `tablet_mg` lists the tablet strengths a count of
    tablets may be multiplied by (a "400mg" after a count is another medicine).
    """

    at_least: float
    below: float
    after: Tuple[str, ...] = ()
    before: Tuple[str, ...] = ()
    not_before: Tuple[str, ...] = ()
    decimal: bool = False
    pressure: bool = False
    amount: bool = False
    tablet_mg: Tuple[float, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NumberRule:
        _check_keys(
            "number rule",
            data,
            {"at_least", "below"},
            {"after", "before", "not_before", "decimal", "pressure", "amount", "tablet_mg"},
        )
        if data.get("amount") and not data.get("after"):
            raise CatalogueError("number rule: `amount: true` needs the `after` words that say it was taken")
        if not any(data.get(k) for k in ("after", "before", "decimal", "pressure")):
            raise CatalogueError("number rule: needs `after` or `before` words, `decimal: true` or `pressure: true`")
        return cls(
            at_least=float(data["at_least"]),
            below=float(data["below"]),
            after=tuple(str(w).lower() for w in data.get("after", [])),
            before=tuple(str(w).lower() for w in data.get("before", [])),
            not_before=tuple(str(w).lower() for w in data.get("not_before", [])),
            decimal=bool(data.get("decimal", False)),
            pressure=bool(data.get("pressure", False)),
            amount=bool(data.get("amount", False)),
            tablet_mg=tuple(float(x) for x in data.get("tablet_mg", [])),
        )

    def accepts(self, value: float) -> bool:
        return self.at_least <= value < self.below


def _numbers(data: Mapping[str, Any]) -> Tuple[NumberRule, ...]:
    return tuple(NumberRule.from_dict(d) for d in data.get("numbers", []))


@dataclass(frozen=True)
class Source:
    """A cited reference, with its evidence grade (C confirmed, S secondary)."""

    id: str
    title: str
    note: str
    grade: str
    # "pump" for evidence about intrathecal baclofen only: not cited to someone on tablets.
    only_route: Optional[str] = None


@dataclass(frozen=True)
class Symptom:
    """Something a person can report, with what it means for triage."""

    id: str
    label: str
    plain: str
    severity: str
    sources: Tuple[str, ...]
    phrases: Tuple[str, ...]
    exact: Tuple[str, ...] = ()
    lexicon_only: Tuple[str, ...] = ()  # matched like `phrases`; the learned layer does not learn them
    # Wordings that contain a phrase but mean something else ("cut myself down to 10 mg" is a taper,
    # not self-harm): a match inside one of them is not this symptom. Never learned by the layer.
    not_when: Tuple[str, ...] = ()
    pump_early_sign: bool = False
    overdose_sign: bool = False
    crisis_line: bool = False
    numbers: Tuple[NumberRule, ...] = ()

    @property
    def red_flag(self) -> bool:
        """A red flag is an emergency on any route."""
        return self.severity == "red_flag"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Symptom:
        _check_keys(
            "symptom",
            data,
            {"id", "label", "plain", "severity", "sources", "phrases"},
            {"exact", "lexicon_only", "not_when", "pump_early_sign", "overdose_sign", "crisis_line", "numbers"},
        )
        if data["severity"] not in SEVERITIES:
            raise CatalogueError(f"symptom {data['id']!r}: severity {data['severity']!r} not one of {SEVERITIES}")
        return cls(
            id=str(data["id"]),
            label=str(data["label"]),
            plain=str(data["plain"]),
            severity=str(data["severity"]),
            sources=tuple(data["sources"]),
            phrases=_phrases("symptom", data["id"], data["phrases"]),
            exact=_phrases("symptom", data["id"], data.get("exact", [])) if data.get("exact") else (),
            lexicon_only=_phrases("symptom", data["id"], data["lexicon_only"]) if data.get("lexicon_only") else (),
            not_when=_not_when("symptom", data),
            pump_early_sign=bool(data.get("pump_early_sign", False)),
            overdose_sign=bool(data.get("overdose_sign", False)),
            crisis_line=bool(data.get("crisis_line", False)),
            numbers=_numbers(data),
        )


@dataclass(frozen=True)
class Route:
    """How baclofen is taken: tablets (or liquid) by mouth, or an intrathecal pump."""

    id: str
    label: str
    phrases: Tuple[str, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Route:
        _check_keys("route", data, {"id", "label", "phrases"}, set())
        return cls(str(data["id"]), str(data["label"]), _phrases("route", data["id"], data["phrases"]))


@dataclass(frozen=True)
class Event:
    """What happened with the medicine (stopped, ran out, tapering, took too much, ...)."""

    id: str
    label: str
    sources: Tuple[str, ...]
    phrases: Tuple[str, ...]
    abrupt: bool = False
    depressant: bool = False
    pump: bool = False
    overdose_cause: bool = False  # with an overdose sign, an overdose emergency (too much, a pump refill)
    # Read from words said in passing ("it makes me sleepy" is taking it as usual): left out of the
    # summary when the same message tells of a sudden stop, running out or missed doses.
    in_passing: bool = False
    numbers: Tuple[NumberRule, ...] = ()
    not_when: Tuple[str, ...] = ()  # as for symptoms: "drinking water" is not drinking

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        _check_keys(
            "event",
            data,
            {"id", "label", "sources", "phrases"},
            {"abrupt", "depressant", "pump", "overdose_cause", "in_passing", "numbers", "not_when"},
        )
        return cls(
            id=str(data["id"]),
            label=str(data["label"]),
            sources=tuple(data["sources"]),
            phrases=_phrases("event", data["id"], data["phrases"]),
            abrupt=bool(data.get("abrupt", False)),
            depressant=bool(data.get("depressant", False)),
            pump=bool(data.get("pump", False)),
            overdose_cause=bool(data.get("overdose_cause", False)),
            in_passing=bool(data.get("in_passing", False)),
            numbers=_numbers(data),
            not_when=_not_when("event", data),
        )


@dataclass(frozen=True)
class Catalogue:
    """Everything the bot knows how to recognise, indexed by id."""

    symptoms: Dict[str, Symptom]
    routes: Dict[str, Route]
    events: Dict[str, Event]
    sources: Dict[str, Source]
    fingerprint: str = field(default="")

    @property
    def red_flags(self) -> List[Symptom]:
        return [s for s in self.symptoms.values() if s.red_flag]

    @classmethod
    def from_dicts(cls, catalogue: Mapping[str, Any], sources: Mapping[str, Any], fingerprint: str = "") -> Catalogue:
        _check_keys("catalogue", catalogue, {"version", "symptoms", "routes", "events"}, set())
        _check_keys("sources file", sources, {"sources"}, set())
        source_map = {}
        for sid, s in sources["sources"].items():
            _check_keys("source", {"id": sid, **s}, {"id", "title", "note", "grade"}, {"only_route"})
            if s.get("only_route") not in (None, "pump", "tablets"):
                raise CatalogueError(f"source {sid!r}: only_route must be pump or tablets")
            source_map[sid] = Source(sid, s["title"], s["note"], s["grade"], s.get("only_route"))
        symptoms = _index("symptom", [Symptom.from_dict(d) for d in catalogue["symptoms"]])
        routes = _index("route", [Route.from_dict(d) for d in catalogue["routes"]])
        events = _index("event", [Event.from_dict(d) for d in catalogue["events"]])
        for item in [*symptoms.values(), *events.values()]:
            unknown = set(item.sources) - source_map.keys()
            if unknown:
                raise CatalogueError(f"{item.id!r} cites unknown sources {sorted(unknown)}")
            if not item.sources:
                raise CatalogueError(f"{item.id!r} cites no source")
        _check_unique_phrases(symptoms, routes, events)
        return cls(symptoms, routes, events, source_map, fingerprint)


def _index(kind: str, items: List[Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for item in items:
        if item.id in out:
            raise CatalogueError(f"duplicate {kind} id {item.id!r}")
        out[item.id] = item
    return out


def _check_unique_phrases(*groups: Mapping[str, Any]) -> None:
    """A phrase that belongs to two concepts would make the matcher's choice arbitrary."""
    owner: Dict[str, str] = {}
    for group in groups:
        for item in group.values():
            for phrase in (*item.phrases, *getattr(item, "exact", ()), *getattr(item, "lexicon_only", ())):
                if phrase in owner and owner[phrase] != item.id:
                    raise CatalogueError(f"phrase {phrase!r} is listed for both {owner[phrase]!r} and {item.id!r}")
                owner[phrase] = item.id


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The shipped catalogue, loaded once per process."""
    digest = hashlib.sha256(read_bytes(CATALOGUE_FILE) + read_bytes(SOURCES_FILE)).hexdigest()
    return Catalogue.from_dicts(read_yaml(CATALOGUE_FILE), read_yaml(SOURCES_FILE), digest[:16])
