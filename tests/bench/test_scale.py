"""The scale-out benchmark's pure parts: its endpoints, CPU accounting from /proc text, and how it
judges two processes' CPU per turn against one's."""

import os
from dataclasses import replace

import yaml

from bench.scale import TARGET_RATIO, Run, ScaleFigures, parse_stat, stores_yaml, tree_ticks


def stat(pid: int, ppid: int, utime: int, stime: int, name: str = "python") -> str:
    """A /proc/PID/stat line: pid (comm) state ppid ... utime (field 14) stime (field 15) ..."""
    fields = ["S", str(ppid)] + ["0"] * 9 + [str(utime), str(stime)] + ["0"] * 37
    return f"{pid} ({name}) " + " ".join(fields) + "\n"


def summary(n: int, errors: int = 0, unexpected: int = 0) -> dict:
    return {"n": n, "ok": n - errors, "errors": {"timeout": errors} if errors else {}, "unexpected": unexpected,
            "p50_ms": 20.0, "p95_ms": 40.0, "p99_ms": 60.0, "throughput": n / 10}  # fmt: skip


def run(processes: int, repeat: int, rasa_s: float, turns: int = 200, **problems: int) -> Run:
    errors, unexpected = problems.get("errors", 0), problems.get("unexpected", 0)
    return Run(processes, repeat, summary(turns, errors, unexpected), {"rasa": rasa_s, "actions": 0.2, "rest": 0.5},
               problems.get("log_errors", 0), "0.5,0.4,0.3", 0.3)  # fmt: skip


def test_stores_are_the_scale_out_endpoints_with_this_runs_database_and_prefix() -> None:
    config = yaml.safe_load(stores_yaml("postgresql://u@h:5432/bench_x", "redis://h:6379/3", "benchab12"))
    assert config["tracker_store"] == {
        "type": "bot.stores.checked_sql.CheckedSQLTrackerStore",
        "url": "postgresql://u@h:5432/bench_x",
    }
    assert config["lock_store"] == {
        "type": "bot.stores.redis_lock.UrlRedisLockStore",
        "url": "redis://h:6379/3",
        "key_prefix": "benchab12",
    }


def test_stat_fields_are_counted_after_the_last_parenthesis() -> None:
    assert parse_stat(stat(42, 7, 150, 30, name="rasa (x) y")) == (42, 7, 180)


def test_cpu_of_a_tree_sums_the_roots_and_all_their_descendants_once() -> None:
    texts = [
        stat(100, 1, 100, 10),  # a Rasa server
        stat(101, 100, 5, 5),  # its child
        stat(102, 101, 1, 1),  # a grandchild
        stat(200, 1, 40, 0),  # the action server
        stat(300, 1, 999, 999),  # someone else's process
        "garbage",
    ]
    assert tree_ticks(texts, [100]) == 122
    assert tree_ticks(texts, [100, 200]) == 162
    assert tree_ticks(texts, [100, 101]) == 122, "a process named twice counts once"
    assert tree_ticks(texts, [999]) == 0, "a process that is gone counts nothing"


def test_cpu_per_turn_is_rasa_plus_action_server_over_the_windows_turns() -> None:
    assert run(1, 0, rasa_s=3.8, turns=200).cpu_per_turn_ms == 20.0  # (3.8 + 0.2) s / 200 turns
    assert run(1, 0, rasa_s=1.0, turns=0).cpu_per_turn_ms is None


def test_ratio_is_of_the_medians_and_met_within_the_target() -> None:
    figures = ScaleFigures(20, 14, 3, [run(1, r, 3.8) for r in range(3)] + [run(2, r, 4.0) for r in range(3)])
    assert figures.per_turn(1).median == 20.0 and figures.per_turn(2).median == 21.0
    assert figures.ratio() == 21.0 / 20.0 <= TARGET_RATIO
    assert figures.met() is True and figures.lines()[0].startswith("target met")
    costly = ScaleFigures(20, 14, 3, [run(1, 0, 3.8), run(2, 0, 5.0)])  # 26 / 20 = 1.3
    assert costly.met() is False and costly.lines()[0].startswith("target MISSED")


def test_errors_unexpected_replies_or_logged_errors_miss_the_target() -> None:
    for problem in ({"errors": 1}, {"unexpected": 1}, {"log_errors": 2}):
        figures = ScaleFigures(20, 14, 3, [run(1, 0, 3.8), run(2, 0, 3.8, **problem)])
        assert figures.ratio() == 1.0
        assert figures.met() is False, problem
    assert ScaleFigures(20, 14, 3, [run(1, 0, 3.8), run(2, 0, 3.8, errors=1)]).problems(2) == (1, 0, 0)


def test_figures_survive_a_json_round_trip() -> None:
    import json

    figures = ScaleFigures(20, 14, 3, [run(1, 0, 3.8), run(2, 0, 4.0)], {"1": [20.0], "2": [22.0, 23.0]})
    again = ScaleFigures.from_dict(json.loads(json.dumps(figures.to_dict())))
    assert again == figures
    assert "| CPU ms per turn, Rasa + action server | 20.00 | 21.00 | 1.05 |" in again.markdown()


def test_no_ratio_without_both_set_ups_and_skips_say_why() -> None:
    figures = ScaleFigures(20, 14, 3, [run(1, 0, 3.8)])
    assert figures.ratio() is None and figures.met() is None
    assert "not measured (no PostgreSQL)" in ScaleFigures(skipped="no PostgreSQL").markdown()
    assert ScaleFigures(skipped="no PostgreSQL").lines() == []


def test_cpu_seconds_of_this_process_and_the_machine_grow_with_work() -> None:
    from bench.scale import machine_busy_s, process_cpu_s

    before_own, before_machine = process_cpu_s(os.getpid()), machine_busy_s()
    total = 0
    for i in range(3_000_000):  # a little CPU work, well over one clock tick
        total += i * i
    assert total > 0
    assert process_cpu_s(os.getpid()) > before_own
    assert machine_busy_s() > before_machine


def test_cpu_of_a_process_that_is_gone_is_zero() -> None:
    from bench.scale import process_cpu_s

    assert process_cpu_s(2**22 + 12345) == 0.0


def test_a_run_without_turns_is_left_out_of_the_spread() -> None:
    figures = ScaleFigures(20, 14, 3, [run(1, 0, 3.8), replace(run(1, 1, 3.8), summary=summary(0))])
    assert figures.per_turn(1).median == 20.0


def at_rate(processes: int, repeat: int, rate: float, p99_ms: float, **problems: int) -> Run:
    found = replace(run(processes, repeat, 3.8, **problems), rate=rate)
    found.summary["p99_ms"] = p99_ms
    return found


def test_each_set_ups_saturation_is_the_highest_clean_rate_under_one_second() -> None:
    runs = [run(n, r, 3.8) for n in (1, 2) for r in range(3)]  # at 20 msg/s, p99 60 ms
    runs += [at_rate(1, r, 40, 300) for r in range(2)] + [at_rate(1, 0, 50, 900), at_rate(1, 1, 50, 2500)]
    runs += [at_rate(2, r, 40, 200) for r in range(2)] + [at_rate(2, r, 50, 400) for r in range(2)]
    runs += [at_rate(2, 0, 60, 500, errors=1), at_rate(2, 1, 60, 500)]
    figures = ScaleFigures(20, 14, 3, runs, saturation_rates=[40, 50, 60])
    assert figures.rates() == [20, 40, 50, 60]
    assert figures.saturation(1) == 40, "at 50 the median p99 is 1700 ms"
    assert figures.saturation(2) == 50, "an error at 60 disqualifies it"
    assert len(figures.of(1)) == 3, "CPU per turn is read at 20 msg/s only"
    table = figures.markdown()
    assert "| **saturation rate** | 40 msg/s | 50 msg/s |" in table
    assert "| 60 | n/a, 0 / 0 / 0 | 500, 1 / 0 / 0 |" in table
    again = ScaleFigures.from_dict(__import__("json").loads(__import__("json").dumps(figures.to_dict())))
    assert again == figures and again.to_dict()["saturation"] == {"1": 40, "2": 50}


def test_a_logged_error_or_a_slow_lowest_rate_leaves_no_saturation_rate() -> None:
    figures = ScaleFigures(20, 14, 3, [at_rate(1, 0, 20, 1200), at_rate(2, 0, 20, 100, log_errors=1)])
    assert figures.saturation(1) is None and figures.saturation(2) is None


def test_a_clean_highest_rate_is_a_lower_bound() -> None:
    figures = ScaleFigures(20, 14, 3, [run(1, 0, 3.8), at_rate(1, 0, 40, 100), run(2, 0, 3.8)], saturation_rates=[40])
    assert "| **saturation rate** | 40 msg/s (the highest rate measured: at least this) |" in figures.markdown()
