"""The benchmark's record and its tables: one JSON document per run, the README's tables from it.

    python -m bench.report FILE.json                      # print the tables of a saved run
    python -m bench.report FILE.json --readme README.md   # and put them between the README's markers

`python -m bench --json FILE` writes the document: every figure with its samples' summary (each
repeat's p50/p95/p99, throughput, errors and unexpected replies), the date, the git commit and the
machine (nproc, CPU model, memory, load). Everything printed here is computed from that file alone
(`markdown`, `targets`), so the README's tables can be regenerated from a saved run and checked
against it. Targets are reported as met, MISSED or n/a, never asserted: timings on a shared 2-core
machine are evidence, not a test. Any error or unexpected reply in the samples of a figure fails
that figure's target, and every figure shows its errors and unexpected replies beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
ROOT = Path(__file__).resolve().parent.parent
SCALE_RATIO = 1.15
NLU_MIN_PER_S = 300.0


# ---------------------------------------------------------------------------------------- machine


def loadavg() -> str:
    """The 1/5/15-minute load averages: other people's work on the machine shows here."""
    try:
        return ",".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def cpu_steal_ticks() -> Optional[int]:
    """Clock ticks the hypervisor gave to others (`steal` in /proc/stat), or None."""
    try:
        return int(Path("/proc/stat").read_text().splitlines()[0].split()[8])
    except (OSError, IndexError, ValueError):
        return None


def git_commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def machine(rasa: str) -> Dict[str, Any]:
    """nproc, CPU model, memory, Python and Rasa versions, load average now."""
    cpu, mem_kb = "unknown", 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "mem_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "rasa": rasa,
        "loadavg_start": loadavg(),
        "steal_ticks_start": cpu_steal_ticks(),
    }


# ---------------------------------------------------------------------------------------- numbers


@dataclass
class Spread:
    median: Optional[float]
    low: Optional[float]
    high: Optional[float]


def spread(values: Sequence[Optional[float]]) -> Spread:
    """Median and min–max of the known values (None: not measured, left out)."""
    known = [v for v in values if v is not None]
    if not known:
        return Spread(None, None, None)
    return Spread(statistics.median(known), min(known), max(known))


def num(value: Optional[float], digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def cell(s: Spread, digits: int = 0) -> str:
    """`median (min–max)`, or the one value when there is no spread."""
    if s.median is None or s.low is None or s.high is None:
        return "n/a"
    if s.low == s.high:
        return f"{s.median:.{digits}f}"
    return f"{s.median:.{digits}f} ({s.low:.{digits}f}–{s.high:.{digits}f})"


def ratio(ours: Optional[float], stock: Optional[float]) -> Optional[float]:
    if ours is None or stock is None or stock == 0:
        return None
    return ours / stock


def errors_of(summaries: Sequence[Dict[str, Any]]) -> Tuple[int, int]:
    """Errors and unexpected replies over summaries (`bench.open_loop.summary_dict`)."""
    return sum(sum(s["errors"].values()) for s in summaries), sum(int(s["unexpected"]) for s in summaries)


def summary_line(name: str, what: str, summary: Dict[str, Any]) -> str:
    """One plain line per measured phase (easy to grep and to diff between runs)."""
    errors = ",".join(f"{k}:{v}" for k, v in summary["errors"].items()) or "0"
    return (
        f"{name} {what} p50={num(summary['p50_ms'])} p95={num(summary['p95_ms'])} p99={num(summary['p99_ms'])} "
        f"throughput={num(summary['throughput'])} n={summary['n']} errors={errors} unexpected={summary['unexpected']}"
    )


# ---------------------------------------------------------------------------------------- targets


def _results(doc: Dict[str, Any]) -> Any:
    from bench.open_loop import Phase, Results

    section = doc.get("open_loop") or {}
    results = Results(doc.get("date", ""), doc.get("commit", ""), doc.get("machine", {}), section.get("settings", {}))
    results.phases = [Phase(**p) for p in section.get("phases", [])]
    return results


def _bot(doc: Dict[str, Any], name: str) -> Dict[str, Any]:
    return (doc.get("bots") or {}).get(name) or {}


def _seq(bot: Dict[str, Any], key: str) -> Spread:
    return spread([s[key] for s in bot.get("sequential") or []])


def _phases(doc: Dict[str, Any], bot: str, rates: Sequence[Optional[float]]) -> List[Dict[str, Any]]:
    return [
        p["summary"] for p in (doc.get("open_loop") or {}).get("phases", []) if p["bot"] == bot and p["rate"] in rates
    ]


def _le(value: Optional[float], limit: Optional[float]) -> Optional[bool]:
    return None if value is None or limit is None else value <= limit


def _target(
    name: str, ours: Optional[float], limit: Optional[float], unit: str, met: Optional[bool], problems: Any = None
) -> Dict[str, Any]:
    """A target; `problems` = (errors, unexpected) of the figure's samples, which fail it when not 0."""
    errors, unexpected = problems if problems is not None else (None, None)
    if problems is not None and (errors or unexpected):
        met = False  # even when the figure itself could not be measured
    return {"name": name, "ours": ours, "limit": limit, "unit": unit, "met": met, "errors": errors,
            "unexpected": unexpected}  # fmt: skip


def half_rate(rates: Sequence[float], stock_saturation: Optional[float]) -> Optional[float]:
    """The measured rate for "half of stock's saturation rate": the highest at or below it."""
    if stock_saturation is None:
        return None
    below = [r for r in rates if r <= stock_saturation / 2]
    return max(below) if below else None


def targets(doc: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The issue's targets, each with our figure, the limit it is held to and its errors."""
    ours, stock = _bot(doc, "ours"), _bot(doc, "stock")
    results = _results(doc)
    figures = {(f.bot, f.rate): f for f in results.figures()}
    rates = sorted({p.rate for p in results.phases})
    has_stock = any(p.bot == "stock" for p in results.phases)
    sat_o, sat_s = results.saturation("ours"), results.saturation("stock") if has_stock else None
    found = []
    met: Optional[bool] = None
    if has_stock and rates:
        met = sat_o is not None and (sat_s is None or sat_o >= sat_s)
    at_sat = errors_of(_phases(doc, "ours", [sat_o])) if sat_o is not None else None
    found.append(_target("saturation rate >= 1.0 x stock's", sat_o, sat_s, "msg/s", met, at_sat))
    half = half_rate(rates, sat_s)
    o, s = figures.get(("ours", half)), figures.get(("stock", half))
    limit = s.p95_ms.median * 1.3 if s is not None and s.p95_ms.median is not None else None
    value = o.p95_ms.median if o is not None else None
    name = f"p95 at half of stock's saturation rate ({num(half, 0)} msg/s) <= 1.3 x stock's"
    found.append(_target(name, value, limit, "ms", _le(value, limit), errors_of(_phases(doc, "ours", [half]))))
    p95_o, p95_s = _seq(ours, "p95_ms").median, _seq(stock, "p95_ms").median
    limit = None if p95_s is None else p95_s * 1.3
    problems = errors_of(ours.get("sequential") or [])
    found.append(_target("one-at-a-time p95 <= 1.3 x stock's", p95_o, limit, "ms", _le(p95_o, limit), problems))
    upto = sat_s if sat_s is not None else (max(rates) if rates and not has_stock else None)
    below = [r for r in rates if upto is not None and r <= upto]
    errs, unexp = errors_of(_phases(doc, "ours", below))
    name = f"0 errors and unexpected replies up to stock's saturation rate ({num(upto, 0)} msg/s)"
    found.append(_target(name, errs + unexp if below else None, 0, "", _le(errs + unexp, 0) if below else None))
    rss_o = (ours.get("rss_mb") or {}).get("after_warmup", {}).get("rasa")
    rss_s = (stock.get("rss_mb") or {}).get("after_warmup", {}).get("rasa")
    limit = None if rss_s is None else rss_s * 1.2
    found.append(_target("Rasa server RSS after warm-up <= 1.2 x stock's", rss_o, limit, "MB", _le(rss_o, limit)))
    cold_o = spread(ours.get("cold_starts_s") or []).median
    cold_s = spread(stock.get("cold_starts_s") or []).median
    limit = None if cold_s is None else cold_s * 1.2
    found.append(_target("cold start <= 1.2 x stock's", cold_o, limit, "s", _le(cold_o, limit)))
    scale = doc.get("scale") or {}
    value, scale_problems = scale.get("ratio"), None
    if scale.get("runs"):
        one, two = scale["figures"]["1"]["problems"], scale["figures"]["2"]["problems"]
        scale_problems = (one[0] + two[0] + one[2] + two[2], one[1] + two[1])  # log ERROR lines count as errors
    name = "two Rasa processes' CPU per turn <= 1.15 x one's"
    found.append(_target(name, value, SCALE_RATIO, "×", _le(value, SCALE_RATIO), scale_problems))
    nlu = doc.get("nlu") or {}
    rate = nlu.get("messages_per_s")
    met = None if rate is None else rate >= NLU_MIN_PER_S
    found.append(_target("NLU path incl. learned layer >= 300 messages/s, one core", rate, NLU_MIN_PER_S, "msg/s", met))
    return found


def verdict(target: Dict[str, Any]) -> str:
    return "n/a" if target["met"] is None else ("met" if target["met"] else "MISSED")


def problems_text(target: Dict[str, Any]) -> str:
    if target["errors"] is None:
        return "–"
    return f"{target['errors']} / {target['unexpected']}"


def target_line(target: Dict[str, Any]) -> str:
    return (
        f"target {verdict(target)} [{target['name']}] ours={num(target['ours'], 2)} limit={num(target['limit'], 2)} "
        f"{target['unit']} errors/unexpected={problems_text(target)}"
    )


# ---------------------------------------------------------------------------------------- tables


def _load1(text: str) -> Optional[float]:
    try:
        return float(text.split(",")[0])
    except (ValueError, IndexError):
        return None


def throughput_heading(results: Any) -> str:
    """Runs before the window's completions were counted give answered arrivals a second, which
    equal the rate even past saturation: said so in the heading."""
    if all(p.summary.get("completed") is not None for p in results.phases):
        return "throughput: replies completed in the window (turns/s)"
    return "answered arrivals (turns/s; not the bot's throughput)"


def open_loop_table(doc: Dict[str, Any]) -> List[str]:
    results = _results(doc)
    if not results.phases:
        return ["Open loop: not measured."]
    settings = results.settings
    lines = [
        f"**Open loop**: Poisson arrivals at each rate, latency from the intended send time; "
        f"{settings.get('repeats')} repeats of {num(settings.get('window'), 0)} s windows after "
        f"{num(settings.get('warmup'), 0)} s of warm-up (the last second left out too), ours and stock alternating "
        "phase by phase; median (min–max) over repeats.",
        "",
        f"| rate (msg/s) | bot | p50 ms | p95 ms | p99 ms | {throughput_heading(results)} | errors | unexpected "
        "| samples "
        "| load average (1 min, max) | CPU steal (ticks) | load generator CPU s (median) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rate in sorted({f.rate for f in results.figures()}):
        for f in [f for f in results.figures() if f.rate == rate]:
            phases = [p for p in results.phases if p.bot == f.bot and p.rate == rate]
            loads = [x for x in (_load1(p.load_average) for p in phases) if x is not None]
            steal = [p.steal_ticks for p in phases if p.steal_ticks is not None]
            generator = spread([p.generator_cpu_s for p in phases]).median
            lines.append(
                f"| {f.rate:g} | {f.bot} | {cell(f.p50_ms)} | {cell(f.p95_ms)} | {cell(f.p99_ms)} | "
                f"{cell(f.throughput, 1)} | {f.errors} | {f.unexpected} | {f.samples} | "
                f"{num(max(loads) if loads else None, 2)} | {sum(steal) if steal else 'n/a'} | {num(generator, 2)} |"
            )
    lines.append("")
    top = max(p.rate for p in results.phases)
    for bot in dict.fromkeys(p.bot for p in results.phases):
        sat = results.saturation(bot)
        text = "below the lowest rate measured" if sat is None else f"{sat:g} msg/s"
        if sat == top:
            text += " (the highest rate measured: at least this)"
        lines.append(f"Saturation rate ({bot}, highest rate with median p99 < 1 s and no error): {text}.  ")
    return lines


def markdown(doc: Dict[str, Any]) -> str:
    """The README's benchmark tables, from the JSON document of one run."""
    m = doc.get("machine") or {}
    ours, stock = _bot(doc, "ours"), _bot(doc, "stock")
    results = _results(doc)
    duration = doc.get("duration_s")
    rows: List[Tuple[str, str, str, str]] = []

    def add(label: str, o: Optional[float], s: Optional[float], digits: int = 1) -> None:
        rows.append((label, num(o, digits), num(s, digits), num(ratio(o, s), 2)))

    def train(bot: Dict[str, Any], step: str) -> Optional[float]:
        return ((bot.get("train") or {}).get("steps_s") or {}).get(step)

    add(
        "training time, every step (s)",
        (ours.get("train") or {}).get("total_s"),
        (stock.get("train") or {}).get("total_s"),
    )
    steps = (
        ("build_spacy", "spaCy pipeline build"),
        ("generate_nlu", "generated NLU data"),
        ("rasa_train", "`rasa train`, fresh cache"),
        ("rasa_init", "`rasa init` (not counted)"),
    )
    for step, label in steps:
        if train(ours, step) is not None or train(stock, step) is not None:
            rows.append((f"… {label} (s)", num(train(ours, step)), num(train(stock, step)), ""))
    cold_o, cold_s = spread(ours.get("cold_starts_s") or []), spread(stock.get("cold_starts_s") or [])
    rows.append(
        (
            f"cold start: process start → first full answer (s), {len(ours.get('cold_starts_s') or [])} runs",
            cell(cold_o, 1),
            cell(cold_s, 1),
            num(ratio(cold_o.median, cold_s.median), 2),
        )
    )
    starts_o = [r.get("rasa") for r in (ours.get("rss_mb") or {}).get("after_start") or []]
    starts_s = [r.get("rasa") for r in (stock.get("rss_mb") or {}).get("after_start") or []]
    if starts_o:
        so, ss = spread(starts_o), spread(starts_s)
        rows.append((
            f"Rasa server RSS after a cold start's first answer (MB), {len(starts_o)} starts",
            cell(so), cell(ss), num(ratio(so.median, ss.median), 2),
        ))  # fmt: skip
    for when, label in (("after_warmup", "after warm-up"), ("after_load", "after load"), ("peak", "peak")):
        get_o = (ours.get("rss_mb") or {}).get(when) or {}
        get_s = (stock.get("rss_mb") or {}).get(when) or {}
        add(f"Rasa server RSS {label} (MB)", get_o.get("rasa"), get_s.get("rasa"), 0)
        rows.append((f"action server RSS {label} (MB)", num(get_o.get("actions"), 0), "none", ""))
    repeats = len(ours.get("sequential") or [])
    for q in ("p50", "p95", "p99"):
        o, s = _seq(ours, f"{q}_ms"), _seq(stock, f"{q}_ms")
        rows.append(
            (f"one at a time, {q} (ms), {repeats} repeats", cell(o, 1), cell(s, 1), num(ratio(o.median, s.median), 2))
        )
    eo, uo = errors_of(ours.get("sequential") or [])
    es, us = errors_of(stock.get("sequential") or [])
    rows.append((
        "one at a time: errors / unexpected / turns",
        f"{eo} / {uo} / {sum(s['n'] for s in ours.get('sequential') or [])}",
        f"{es} / {us} / {sum(s['n'] for s in stock.get('sequential') or [])}" if stock.get("sequential") else "n/a",
        "",
    ))  # fmt: skip
    if results.phases:
        has_stock = any(p.bot == "stock" for p in results.phases)
        add(
            "open-loop saturation rate (msg/s)",
            results.saturation("ours"),
            results.saturation("stock") if has_stock else None,
            0,
        )
    rows.append((
        "ERROR lines in the Rasa server log during the load",
        str(sum((ours.get("log_errors") or {}).values())) if ours else "n/a",
        str(sum((stock.get("log_errors") or {}).values())) if stock else "n/a",
        "",
    ))  # fmt: skip
    nlu = doc.get("nlu")
    if nlu:
        rows.append(("NLU path incl. learned layer, one core (messages/s)", f"{nlu['messages_per_s']:.0f}", "n/a", ""))
    lines = [
        f"Machine: {m.get('cpu')}, nproc={m.get('nproc')}, {m.get('mem_gb')} GB RAM; Python {m.get('python')}, "
        f"Rasa {m.get('rasa')}; `python -m bench{' --quick' if doc.get('mode') == 'quick' else ''}`, "
        f"{doc.get('date')}, "
        f"commit `{doc.get('commit')}`, {num(duration / 60 if duration else None)} min (estimate "
        f"{num((doc.get('estimate_s') or 0) / 60)} min); load average {m.get('loadavg_start')} at start, "
        f"{m.get('loadavg_end')} at end; CPU steal {m.get('steal_ticks', 'n/a')} ticks during the run. "
        "Stock = `rasa init` project (DIET/TED), no action server. Generated by `python -m bench.report` from the "
        "run's JSON.",
        "",
        "| figure | ours | stock | ours ÷ stock |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
        *open_loop_table(doc),
        "",
    ]
    from bench.scale import ScaleFigures

    scale = doc.get("scale")
    lines.append(ScaleFigures.from_dict(scale).markdown() if scale else "Scale-out: not measured.")
    lines += [
        "",
        "| target | ours | limit | errors / unexpected | |",
        "|---|---|---|---|---|",
        *(
            f"| {t['name']} | {num(t['ours'], 2)} {t['unit']} | {num(t['limit'], 2)} {t['unit']} | "
            f"{problems_text(t)} | {verdict(t)} |"
            for t in targets(doc)
        ),
    ]
    return "\n".join(lines)


def replace_between(text: str, block: str) -> str:
    """`text` with what lies between the bench markers replaced by `block` (markers kept)."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < 0 or end < start or text.count(BEGIN) != 1 or text.count(END) != 1:
        raise ValueError(f"expected one {BEGIN} and, after it, one {END}")
    return text[: start + len(BEGIN)] + "\n" + block.strip("\n") + "\n" + text[end:]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("json", type=Path, help="the file `python -m bench --json FILE` wrote")
    parser.add_argument("--readme", type=Path, help="replace the tables between the bench markers of this file")
    args = parser.parse_args(argv)
    doc = json.loads(args.json.read_text(encoding="utf-8"))
    table = markdown(doc)
    print(table)
    if args.readme:
        args.readme.write_text(replace_between(args.readme.read_text(encoding="utf-8"), table), encoding="utf-8")
        print(f"# {args.readme}: tables replaced", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
