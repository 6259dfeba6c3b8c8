"""The open-loop benchmark's arithmetic: arrivals, spread over repeats, saturation, saved runs."""

import json
import random

from bench.open_loop import Phase, Results, arrivals, load_results, markdown, spread


def test_poisson_arrivals_have_the_stated_rate_and_stay_in_the_phase():
    times = arrivals(20.0, 100.0, random.Random(1))
    assert all(0 <= t < 100 for t in times) and times == sorted(times)
    assert 1800 < len(times) < 2200  # 20 a second for 100 s


def test_spread_is_median_and_range_ignoring_missing_values():
    s = spread([3.0, None, 1.0, 2.0])
    assert (s.median, s.low, s.high) == (2.0, 1.0, 3.0)
    assert spread([None]).median is None


def phase(bot, rate, repeat, p99, errors=None):
    summary = {"n": 10, "ok": 10, "errors": errors or {}, "unexpected": 0, "p50_ms": 1.0, "p95_ms": 2.0,
               "p99_ms": p99, "throughput": rate}  # fmt: skip
    return Phase(bot, rate, repeat, summary, "0.1,0.1,0.1", 0, 0.1)


def test_saturation_is_the_highest_rate_with_median_p99_under_a_second_and_no_error(tmp_path):
    results = Results("now", "abc", {"cores": 2}, {"repeats": 3, "seconds": 10, "warmup": 2})
    results.phases = [
        *(phase("ours", 10, r, 50) for r in range(3)),
        phase("ours", 20, 0, 900), phase("ours", 20, 1, 1500), phase("ours", 20, 2, 800),  # median 900
        *(phase("ours", 40, r, 300, {"timeout": 1} if r == 0 else None) for r in range(3)),  # an error
    ]  # fmt: skip
    assert results.saturation("ours") == 20
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"started": "now", "commit": "abc", "machine": {}, "settings": results.settings,
                                "phases": [p.__dict__ for p in results.phases]}))  # fmt: skip
    again = load_results(path)
    assert again.saturation("ours") == 20
    assert any("saturation rate (ours): 20 msg/s" in line for line in markdown(again))
