"""The scale-out benchmark's pure parts: its endpoints, database URLs, and how it judges the ratio."""

import yaml

from bench.load import Summary
from bench.scale import TARGET_RATIO, CpuUse, Phase, ScaleFigures, stores_yaml


def summary(throughput: float, errors: int = 0) -> Summary:
    ok = int(throughput * 10)
    return Summary(
        n=ok + errors,
        ok=ok,
        errors={"timeout": errors} if errors else {},
        unexpected=0,
        wall_s=10.0,
        p50_ms=10.0,
        p95_ms=20.0,
        p99_ms=30.0,
        mean_ms=12.0,
        max_ms=40.0,
    )


def phase(processes: int, throughput: float, errors: int = 0) -> Phase:
    return Phase(processes, 50, summary(throughput, errors), CpuUse(1.0, 0.1, 0.1, 0.2), 0)


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


def test_two_processes_at_the_target_ratio_without_errors_meet_it() -> None:
    figures = ScaleFigures(one={50: phase(1, 40.0)}, two={50: phase(2, 40.0 * TARGET_RATIO)})
    assert figures.ratio(50) == TARGET_RATIO
    assert figures.lines()[0].startswith("target met")


def test_a_lower_ratio_is_missed() -> None:
    figures = ScaleFigures(one={50: phase(1, 40.0)}, two={50: phase(2, 60.0)})
    assert figures.lines()[0].startswith("target MISSED")


def test_errors_miss_the_target_whatever_the_ratio() -> None:
    figures = ScaleFigures(one={50: phase(1, 40.0)}, two={50: phase(2, 80.0, errors=1)})
    assert figures.lines()[0].startswith("target MISSED")


def test_unexpected_replies_or_logged_errors_miss_the_target() -> None:
    from dataclasses import replace

    good = phase(2, 80.0)
    wrong_reply = replace(good, summary=replace(good.summary, unexpected=1))
    logged = replace(good, log_errors=2)
    for two in (wrong_reply, logged):
        assert ScaleFigures(one={50: phase(1, 40.0)}, two={50: two}).lines()[0].startswith("target MISSED")


def test_no_ratio_without_both_runs_and_skips_say_why() -> None:
    figures = ScaleFigures(one={50: phase(1, 40.0)})
    assert figures.ratio(50) is None
    assert figures.lines() == []
    assert "not measured (no PostgreSQL)" in ScaleFigures(skipped="no PostgreSQL").markdown()


def test_cpu_seconds_of_this_process_and_the_machine_grow_with_work() -> None:
    import os

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
