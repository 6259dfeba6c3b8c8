"""The benchmark's statistics: percentiles, summaries and reply classification (no timings)."""

import pytest

from bench.load import GUARD_APOLOGY, Sample, Turn, digest, percentile, plan, summarize


def test_percentile_interpolates_between_ranks_like_numpy() -> None:
    values = [10.0, 20.0, 30.0, 40.0]
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile(values, 50) == pytest.approx(25.0)
    assert percentile(values, 95) == pytest.approx(38.5)  # numpy.percentile([10, 20, 30, 40], 95)


def test_percentile_ignores_input_order() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([7.0], 99) == 7.0


def test_percentile_of_nothing_is_none_not_zero() -> None:
    assert percentile([], 95) is None


def test_percentile_outside_0_100_is_refused() -> None:
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_summary_keeps_errors_out_of_latencies_but_counts_them() -> None:
    samples = [
        Sample(0.010, turn="hi"),
        Sample(0.020, turn="hi"),
        Sample(0.030, turn="bye"),
        Sample(30.0, "timeout", turn="bye"),
        Sample(0.001, "http_500", turn="bye"),
        Sample(0.002, "empty", turn="hi"),
    ]
    summary = summarize(samples, wall_s=2.0)
    assert summary.n == 6
    assert summary.ok == 3
    assert summary.errors == {"empty": 1, "http_500": 1, "timeout": 1}
    assert summary.error_count == 3
    assert summary.p50_ms == pytest.approx(20.0)
    assert summary.max_ms == pytest.approx(30.0)
    assert summary.mean_ms == pytest.approx(20.0)
    assert summary.throughput == pytest.approx(1.5)  # answered turns only
    assert summary.by_turn_p50_ms == {"hi": pytest.approx(15.0), "bye": pytest.approx(30.0)}


def test_summary_counts_unexpected_replies_apart() -> None:
    summary = summarize([Sample(0.01, unexpected=True), Sample(0.01)], wall_s=1.0)
    assert summary.unexpected == 1
    assert summary.error_count == 0


def test_summary_of_only_errors_has_no_latencies() -> None:
    summary = summarize([Sample(30.0, "timeout")], wall_s=30.0)
    assert summary.p95_ms is None
    assert summary.throughput == 0.0


def test_summary_with_no_wall_time_has_zero_throughput() -> None:
    assert summarize([], wall_s=0.0).throughput == 0.0


def test_digest_joins_texts_and_triage_levels() -> None:
    text, error = digest([{"text": "EMERGENCY: call 911"}, {"custom": {"triage": {"level": "emergency"}}}])
    assert error is None
    assert text == "EMERGENCY: call 911 triage=emergency"


@pytest.mark.parametrize(
    "reply, error",
    [
        ([], "empty"),
        ([{"recipient_id": "x"}], "empty"),
        (["not a dict"], "bad_body"),
        ([{"text": GUARD_APOLOGY + ". Please try again."}], "guard_apology"),
        ([{"text": "EMERGENCY", "custom": {"triage": {"level": "emergency", "fallback": True}}}], "guard_fallback"),
    ],
)
def test_digest_flags_replies_a_person_would_see_fail(reply: list, error: str) -> None:
    assert digest(reply)[1] == error


def test_plan_runs_enough_conversations_in_rotation() -> None:
    a = [Turn("a1"), Turn("a2")]
    b = [Turn("b1"), Turn("b2")]
    plans = plan([a, b], people=2, min_turns=8)
    assert plans == [[a, b], [b, a]]
    assert sum(len(c) for p in plans for c in p) >= 8


def test_plan_gives_everyone_at_least_one_conversation() -> None:
    assert len(plan([[Turn("x")]], people=3, min_turns=1)) == 3


def test_with_one_server_every_turn_goes_to_it() -> None:
    from bench.load import server_for

    assert {server_for(["a"], person, turn) for person in range(3) for turn in range(5)} == {"a"}


def test_with_two_servers_consecutive_turns_of_a_person_alternate() -> None:
    from bench.load import server_for

    urls = ["a", "b"]
    assert [server_for(urls, 0, turn) for turn in range(4)] == ["a", "b", "a", "b"]
    assert [server_for(urls, 1, turn) for turn in range(4)] == ["b", "a", "b", "a"]


async def test_run_load_refuses_no_servers() -> None:
    from bench.load import run_load

    with pytest.raises(ValueError, match="at least one"):
        await run_load([], [[Turn("hi")]], 1, 1, None)
