"""`python -m bench`'s settings: the full run's stated duration is the estimate from its settings,
the same in README, Makefile and the docstring, and within about 30 minutes on 2 cores."""

import re

from bench import __main__ as bench_main
from bench.report import ROOT


def stated_minutes(text: str, where: str) -> int:
    found = re.search(r"full(?: mode)?[^.\n]{0,40}?about (\d+) min", text, re.IGNORECASE | re.DOTALL)
    assert found, f"{where} states no full-run duration"
    return int(found.group(1))


def test_the_full_run_takes_about_30_minutes_at_most_and_every_rate_is_repeated_5_times() -> None:
    full = bench_main.FULL_MODE
    assert full.repeats >= 5 and full.sequential_repeats >= 5 and full.cold_starts >= 5
    assert full.phase_s == full.warmup_s + full.window_s + 1
    assert bench_main.estimate_s(full) <= 30 * 60
    quick = bench_main.QUICK_MODE
    assert len(quick.rates) == 1 and quick.repeats == 1 and not quick.train
    assert bench_main.estimate_s(quick) < bench_main.estimate_s(full) / 5


def test_the_duration_is_stated_alike_in_docstring_makefile_and_readme() -> None:
    minutes = round(bench_main.estimate_s(bench_main.FULL_MODE) / 60)
    makefile = next(line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("bench:"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    benchmarks = readme[readme.index("## Benchmarks") :]
    for where, text in (("bench/__main__.py", bench_main.__doc__ or ""), ("Makefile", makefile),
                        ("README.md", benchmarks)):  # fmt: skip
        assert stated_minutes(text, where) == minutes, where


def test_bots_alternate_which_goes_first() -> None:
    assert bench_main.alternate(["ours", "stock"], 0) == ["ours", "stock"]
    assert bench_main.alternate(["ours", "stock"], 1) == ["stock", "ours"]
    assert bench_main.alternate(["ours"], 1) == ["ours"]
