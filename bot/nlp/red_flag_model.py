"""The learned red-flag layer: a recall-oriented second opinion beside the lexicon.

The lexicon (catalogue phrases) only knows the wordings it was given; people in danger write in
their own words ("I have to think about every breath"). This layer scores each sentence with a
character n-gram TF-IDF + logistic regression model (scikit-learn, already installed with Rasa;
about half a millisecond a message), after the spans that ConText marked negated, hypothetical or
historical have been masked out, so "no fever" or "I'm scared I'll have a seizure" never count.

It is trained from `bot/knowledge/red_flag_examples.yml` (lay examples per red-flag category and
negatives), the symptom catalogue's lay phrases (red flags against the rest), and the development
parts of the real-language corpus (`data/real_language/dev.yml`, `dev_2.yml`; see bot/corpus.py
on `dev_3.yml`), never from its frozen parts or from the test vignettes. Its threshold is chosen on the development part
(out-of-fold scores) at a stated false-positive rate by `python -m bot.cli.calibrate_red_flag` and
kept in `bot/knowledge/red_flag_layer.yml`.

Pure: no Rasa here. The Rasa component (bot/nlu/red_flag_classifier.py) and the calibration tool
use it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple

import joblib
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from spacy.tokens import Doc

from bot.corpus import CATEGORIES, DEV_FILES, load_statements
from bot.knowledge import load_catalogue
from bot.knowledge._files import read_bytes, read_yaml
from bot.names import Intent
from bot.nlp.findings import assertion
from bot.nlp.matcher import LABELS, NOT_WHEN_SPANS
from bot.paths import PROJECT_ROOT

EXAMPLES_FILE = "red_flag_examples.yml"
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
# Intents whose examples tell of symptoms, or of calling for help ("the paramedics are here", "we
# are at the er"): never used as negatives. Words of an emergency's aftermath come with emergencies;
# learned as negatives they cost 4 of 110 development emergencies at 25 % (2026-12-01).
REPORT_INTENTS = (Intent.REPORT_SYMPTOMS, Intent.RED_FLAG, Intent.HELP_ARRIVED)
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\][({][^)}]*[)}]")
# Shorter parts are left to the lexicon: a few words ("not sure", "i ran out on monday",
# "cutting down with my gp": answers to the bot's own questions) carry too little to learn from,
# and character n-grams of four words read "cutting" as self-harm. 5 rather than 3: on the
# development parts' out-of-fold scores at 25 %, 105 rather than 104 of 110 emergencies caught in
# the first turn, 53 rather than 56 false emergencies of 179 (2026-11-30).
MIN_WORDS = 5
SETTINGS_FILE = "red_flag_layer.yml"
# Mentions in these contexts are not happening now: they are cut out before scoring.
MASKED_ASSERTIONS = ("negated", "hypothetical", "historical")
MASKED_CATEGORIES = ("NEGATED_EXISTENCE", "HYPOTHETICAL", "HISTORICAL")
MODEL_FILE = "red_flag_model.joblib"
# The entity label of symptom findings in the spaCy doc.
SYMPTOM_LABEL = LABELS["symptoms"]


class ExamplesError(ValueError):
    """The examples or settings file does not follow its format."""


@dataclass(frozen=True)
class Example:
    """One training text: a red flag (with its category) or not."""

    text: str
    red_flag: bool
    category: str
    origin: str  # "examples", "catalogue", "nlu" or "dev"


@dataclass(frozen=True)
class LayerSettings:
    """The threshold and how it was chosen (written by bot.cli.calibrate_red_flag)."""

    threshold: float
    false_positive_target: float

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LayerSettings:
        if not isinstance(data, Mapping) or "threshold" not in data or "false_positive_target" not in data:
            raise ExamplesError(f"{SETTINGS_FILE}: needs `threshold` and `false_positive_target`")
        threshold = float(data["threshold"])
        if not 0.0 < threshold < 1.0:
            raise ExamplesError(f"{SETTINGS_FILE}: threshold {threshold} must lie between 0 and 1")
        return cls(threshold=threshold, false_positive_target=float(data["false_positive_target"]))


def load_settings(data: Optional[Mapping[str, Any]] = None) -> LayerSettings:
    return LayerSettings.from_dict(data if data is not None else read_yaml(SETTINGS_FILE))


def load_examples(data: Optional[Mapping[str, Any]] = None) -> List[Example]:
    """The knowledge file's examples (strict: categories must be the corpus's red-flag categories)."""
    data = data if data is not None else read_yaml(EXAMPLES_FILE)
    if not isinstance(data, Mapping) or set(data) != {"version", "positive", "negative"}:
        raise ExamplesError(f"{EXAMPLES_FILE}: expected the keys version, positive, negative")
    out: List[Example] = []
    for category, texts in data["positive"].items():
        if category not in CATEGORIES or category == "none":
            raise ExamplesError(f"{EXAMPLES_FILE}: unknown red-flag category {category!r}")
        out += [Example(_text(t), True, category, "examples") for t in texts]
    out += [Example(_text(t), False, "none", "examples") for t in data["negative"]]
    return out


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ExamplesError(f"{EXAMPLES_FILE}: every example must be a non-empty string, got {value!r}")
    return value.strip()


def dev_examples(paths: Sequence[Path] = DEV_FILES) -> List[Example]:
    """The development parts of the real-language corpus (both batches) as training examples."""
    return [Example(s.text, s.is_emergency, s.category, "dev") for p in paths if p.exists() for s in load_statements(p)]


def catalogue_examples() -> List[Example]:
    """The symptom catalogue's lay phrases: red flags as positives, every other symptom as a negative.

    Phrases with alternatives are spelled with their first choice ("(see|saw) bugs" -> "see bugs"),
    and `*` wildcards are dropped, so each phrase reads as words a person types.
    """
    out = []
    for symptom in load_catalogue().symptoms.values():
        for phrase in (*symptom.phrases, *symptom.exact):
            words = [w[1:-1].split("|")[0] if w.startswith("(") else w for w in phrase.split() if w != "*"]
            out.append(
                Example(" ".join(words), symptom.red_flag, "catalogue" if symptom.red_flag else "none", "catalogue")
            )
    return out


def nlu_examples(folder: Path = NLU_DIR) -> List[Example]:
    """The intent examples of everything that is not a symptom report, as negatives.

    Greetings, "I don't know", "tablets", questions about baclofen: the answers people give to the
    bot's own questions must never read as a red flag.
    """
    out = []
    for path in sorted(folder.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if block.get("intent") in REPORT_INTENTS or "examples" not in block:
                continue
            for line in str(block["examples"]).splitlines():
                text = _ENTITY_MARKUP.sub(r"\1", line.strip().removeprefix("- ").strip())
                if text:
                    out.append(Example(text, False, "none", "nlu"))
    return out


def training_examples(dev_paths: Sequence[Path] = DEV_FILES) -> List[Example]:
    """The knowledge file's examples, the catalogue's phrases, the other intents' examples and the
    development parts of the corpus."""
    return load_examples() + catalogue_examples() + nlu_examples() + dev_examples(dev_paths)


def training_fingerprint(dev_paths: Sequence[Path] = DEV_FILES) -> str:
    """Changes whenever anything the layer learns from changes (for Rasa's training cache)."""
    digest = hashlib.sha256(read_bytes(EXAMPLES_FILE) + read_bytes(SETTINGS_FILE))
    digest.update(load_catalogue().fingerprint.encode())
    for path in sorted(NLU_DIR.glob("*.yml")):
        digest.update(path.read_bytes())
    for path in dev_paths:
        if path.exists():
            digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def masked_text(doc: Doc, start: int = 0, end: Optional[int] = None) -> str:
    """The text of doc[start:end] with what ConText marked as not happening now blanked out.

    Blanked: findings that are negated, hypothetical or historical, wordings that only look like a
    red flag (the catalogue's `not_when`), and the reach (scope) of every
    negation, hypothetical or history cue even where it found no catalogue phrase ("no fits, not
    seeing anything weird" keeps nothing the classifier could mistake for a red flag). Scopes are
    short and end at "and", "but" and commas (bot/knowledge/context_rules.yml).
    """
    end = len(doc) if end is None else end
    hidden = {i for ent in doc.ents if assertion(ent) in MASKED_ASSERTIONS for i in range(ent.start, ent.end)}
    # Words that contain a red flag's phrase but say something else ("I fell and hurt myself"): the
    # lexicon dropped them (catalogue `not_when`), so the layer must not read them either.
    hidden.update(i for span in doc.spans.get(NOT_WHEN_SPANS, []) for i in range(span.start, span.end))
    graph = doc._.context_graph if doc.has_extension("context_graph") else None
    for modifier in getattr(graph, "modifiers", None) or []:
        # A cue kept for events ("if", "want to": context_rules.yml `only_for`) says nothing about
        # symptoms: "not sure if i'm seeing things" and "i want to end it all" are reports.
        allowed = modifier.allowed_types
        if allowed is not None and SYMPTOM_LABEL not in allowed:
            continue
        if modifier.category.upper() in MASKED_CATEGORIES:
            for a, b in (modifier.modifier_span, modifier.scope_span):
                hidden.update(range(a, b))
    return "".join(t.text_with_ws for t in doc[start:end] if t.i not in hidden).strip()


# Where a clause ends. A clause that holds words the lexicon read as something else ("I cut myself
# some slack", "my smoke alarm is driving me crazy") is left out of the layer's reading: what is left
# of it once blanked ("my mum is to use") is mostly a caregiver's framing, which the classifier took
# for a red flag (collision probe of the running bot, 2026-12-01). Only that clause: skipping the
# whole sentence hid "my insulin pump alarm went off and he went grey and floppy" (a review).
CLAUSE_ENDS = frozenset({"and", "but", ",", ";", "so", "then", "now"})


def _clauses(start: int, end: int, doc: Doc) -> List[Tuple[int, int]]:
    """doc[start:end] cut at CLAUSE_ENDS (the cutting word starts the next clause)."""
    cuts = [i for i in range(start + 1, end) if doc[i].lower_ in CLAUSE_ENDS]
    bounds = [start, *cuts, end]
    return list(zip(bounds, bounds[1:], strict=False))


@dataclass(frozen=True)
class Part:
    """A piece of a message that is scored: its masked text and where it lies in the message."""

    text: str
    start: int
    end: int


def scored_parts(doc: Doc) -> List[Part]:
    """What is scored: each sentence of at least MIN_WORDS words once masked, and all of them
    together when there are several. Questions ("would fits be a thing?") are left to the lexicon:
    a question about a red flag is not a report of one."""
    sentences = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    explained = [span.start for span in doc.spans.get(NOT_WHEN_SPANS, [])]
    parts: List[Part] = []
    for sent in sentences:
        if any(sent.start <= i < sent.end for i in explained):
            kept = [(a, b) for a, b in _clauses(sent.start, sent.end, doc) if not any(a <= i < b for i in explained)]
            text = " ".join(masked_text(doc, a, b) for a, b in kept).strip()
        else:
            text = masked_text(doc, sent.start, sent.end)
        if len(text.split()) >= MIN_WORDS and not text.endswith("?"):
            parts.append(Part(text, sent.start_char, sent.end_char))
    if len(parts) > 1:
        parts.append(Part(" ".join(p.text for p in parts), parts[0].start, parts[-1].end))
    return parts


def new_pipeline() -> Pipeline:
    """Character n-grams survive typos, slang and voice typing better than words do."""
    return Pipeline(
        [
            ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True)),
            # Balanced classes: the examples hold more negatives than positives, and a missed
            # red flag costs more than a false alarm.
            ("lr", LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)),
        ]
    )


class RedFlagModel:
    """A fitted classifier: probability that a (masked) text tells of a red flag now."""

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[bool]) -> RedFlagModel:
        pipeline = new_pipeline()
        pipeline.fit(list(texts), [int(x) for x in labels])
        return cls(pipeline)

    @classmethod
    def fit_examples(cls, examples: Sequence[Example], nlp: Callable[[str], Doc]) -> RedFlagModel:
        """Fit on examples masked the way messages are masked when scored, plus the sentences of
        the development part's non-emergencies as negatives of their own (`sentence_negatives`)."""
        texts: List[str] = []
        labels: List[bool] = []
        for example in examples:
            doc = nlp(example.text.lower())
            texts += [masked_text(doc) or example.text, *sentence_negatives(example, doc)]
            labels += [example.red_flag] * (len(texts) - len(labels))
        return cls.fit(texts, labels)

    def scores(self, texts: Sequence[str]) -> List[float]:
        if not texts:
            return []
        return [float(p) for p in self._pipeline.predict_proba(list(texts))[:, 1]]

    def best(self, doc: Doc) -> Tuple[float, Optional[Part]]:
        """The highest score among the message's parts, and that part."""
        parts = scored_parts(doc)
        if not parts:
            return 0.0, None
        scores = self.scores([p.text for p in parts])
        i = max(range(len(parts)), key=scores.__getitem__)
        return scores[i], parts[i]

    def save(self, folder: Path) -> None:
        joblib.dump(self._pipeline, folder / MODEL_FILE)

    @classmethod
    def load(cls, folder: Path) -> RedFlagModel:
        return cls(joblib.load(folder / MODEL_FILE))


def sentence_negatives(example: Example, doc: Doc) -> List[str]:
    """The scored sentences of a development non-emergency, each a negative of its own.

    A message is scored by its best sentence, but a statement of several sentences was learned
    only as a whole: one sentence of a past story or a worry could then outscore the whole and
    fire. A non-emergency's sentences are non-emergencies too (an emergency's are not: only one of
    them may carry the red flag). On the development parts' out-of-fold scores this caught 105
    rather than 103 of 110 emergencies in the first turn at the same 25 % rate, with 54 rather than
    55 false emergencies of 179 (2026-11-30).
    """
    if example.red_flag or example.origin != "dev":
        return []
    parts = scored_parts(doc)
    return [p.text for p in parts[:-1]] if len(parts) > 1 else []
