"""What a run says: the terminal summary and the self-contained HTML report.

The HTML is one file with inline CSS and nothing fetched from anywhere (no fonts, scripts or
images), so it can be mailed to a clinician or attached to a CI run and opened offline.
Under-triage is listed first because it is the failure that can hurt someone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from jinja2 import Environment, FileSystemLoader

from bot.flows.judging import describe_finding
from bot.flows.results import Run, ScenarioResult
from bot.flows.scenario import Coverage, coverage
from bot.knowledge import Catalogue, load_catalogue
from bot.triage import REPORTED_LEVELS, triage_verdict
from bot.triage import reported_rank as rank

TEMPLATES = Path(__file__).with_name("templates")
# The order results are listed in: the dangerous failures first.
CATEGORIES: Tuple[Tuple[str, str], ...] = (
    ("under", "Under-triage"),
    ("earlier", "Earlier than expected"),
    ("over", "Over-triage"),
    ("failed", "Other failures"),
    ("error", "Could not run"),
    ("pass", "Passed"),
)


def ordered(results: Sequence[ScenarioResult]) -> List[ScenarioResult]:
    """Under-triage first, then over-triage, other failures, errors, passes (file order within each)."""
    order = [c for c, _ in CATEGORIES]
    return sorted(results, key=lambda r: order.index(r.category))


@dataclass(frozen=True)
class Matrix:
    """Expected (rows: each accepted set) against given levels (columns), with counts."""

    rows: List[Tuple[Tuple[str, ...], List[int]]]
    columns: Tuple[str, ...] = REPORTED_LEVELS

    @staticmethod
    def cell_kind(expected: Tuple[str, ...], given: str) -> str:
        verdict = triage_verdict(given, expected)
        if verdict == "accepted":
            return "ok"
        # A level between two accepted ones is shown as over-triage (it is above the lowest).
        return "under" if verdict == "under" else "over"


def confusion_matrix(results: Sequence[ScenarioResult]) -> Matrix:
    """Errors (no conversation) are left out: they gave no level at all."""
    counts: Dict[Tuple[str, ...], List[int]] = {}
    for r in results:
        if r.category == "error":
            continue
        row = counts.setdefault(tuple(r.scenario.levels), [0] * len(REPORTED_LEVELS))
        row[rank(r.level_seen)] += 1
    keys = sorted(counts, key=lambda k: (rank(k[-1]), rank(k[0])), reverse=True)
    return Matrix([(k, counts[k]) for k in keys])


def summary_lines(run: Run, cover: Optional[Coverage] = None) -> List[str]:
    """The terminal summary: counts, then every failure (under-triage first) with its reasons."""
    cover = cover or coverage(r.scenario for r in run.results)
    n = len(run.results)
    lines = [
        f"{n} scenarios in {run.seconds:.1f} s: {n - len(run.failed)} passed, {len(run.failed)} failed"
        f" (under-triage {len(run.by_category('under'))}, earlier than expected {len(run.by_category('earlier'))},"
        f" over-triage {len(run.by_category('over'))},"
        f" other {len(run.by_category('failed'))}, could not run {len(run.by_category('error'))})",
    ]
    for category, title in CATEGORIES[:-1]:
        for r in run.by_category(category):
            lines.append(f"{title.upper()}: {r.scenario.id}  ({r.scenario.file}, line {r.scenario.line})")
            lines += [f"    - {p}" for p in r.all_problems]
    if cover.uncovered_red_flags:
        lines.append(f"Red flags no scenario covers: {', '.join(cover.uncovered_red_flags)}")
    if cover.uncovered:
        lines.append(f"Catalogue symptoms no scenario covers ({len(cover.uncovered)}): {', '.join(cover.uncovered)}")
    return lines


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["finding"] = describe_finding
    return env


def render_html(run: Run, catalogue: Optional[Catalogue] = None) -> str:
    """The whole report as one HTML string."""
    catalogue = catalogue or load_catalogue()
    cover = coverage((r.scenario for r in run.results), catalogue)
    results = ordered(run.results)
    anchors = {id(r): f"scenario-{i + 1}" for i, r in enumerate(results)}
    context: Dict[str, Any] = {
        "run": run,
        "results": results,
        "anchor": lambda r: anchors[id(r)],
        "categories": CATEGORIES,
        "titles": dict(CATEGORIES),
        "counts": {c: len(run.by_category(c)) for c, _ in CATEGORIES},
        "matrix": confusion_matrix(run.results),
        "levels": REPORTED_LEVELS,
        "cover": cover,
        "symptom": lambda sid: catalogue.symptoms.get(sid),
        "source_title": lambda sid: catalogue.sources[sid].title if sid in catalogue.sources else sid,
        "total_symptoms": len(catalogue.symptoms),
    }
    return _environment().get_template("report.html.j2").render(**context)


def write_html(run: Run, path: Path, catalogue: Optional[Catalogue] = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(run, catalogue), encoding="utf-8")
    return path
