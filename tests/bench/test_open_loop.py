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


def test_the_window_leaves_out_the_warm_up_and_the_last_second():
    from bench.open_loop import window

    assert window(14.0, 3.0) == (3.0, 13.0)
    assert window(3.0, 3.0) == (3.0, 3.0)


async def test_turns_of_a_conversation_rotate_over_several_servers_and_the_window_is_marked():
    """A fake two-server bot on one port: each conversation's turns alternate between the paths."""
    from aiohttp import web

    from bench.load import Turn
    from bench.open_loop import open_loop
    from bot.harness import free_port

    seen = []

    async def answer(request):
        body = await request.json()
        seen.append((request.path, body["sender"]))
        return web.json_response([{"text": "ok"}])

    app = web.Application()
    app.router.add_post("/a", answer)
    app.router.add_post("/b", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    marks = []
    try:
        urls = [f"http://127.0.0.1:{port}/a", f"http://127.0.0.1:{port}/b"]
        script = [[Turn("one", expect="ok"), Turn("two"), Turn("three")]]
        summary = await open_loop(urls, script, 40.0, 2.5, 0.5, 1, 5.0, marks.append)
    finally:
        await runner.cleanup()
    assert marks == ["start", "end"]
    assert summary.error_count == 0 and summary.unexpected == 0 and summary.n > 0
    by_sender = {}
    for path, sender in seen:
        by_sender.setdefault(sender, []).append(path)
    assert all(paths == ["/a", "/b", "/a"][: len(paths)] or paths == ["/b", "/a", "/b"][: len(paths)]
               for paths in by_sender.values())  # fmt: skip
    assert {paths[0] for paths in by_sender.values() if len(paths) > 1} == {"/a", "/b"}


async def test_past_saturation_throughput_is_what_came_back_in_the_window_not_the_arrival_rate():
    """A fake bot that answers one message at a time, 50 ms each (20 a second at most), offered 60."""
    import asyncio

    from aiohttp import web

    from bench.load import Turn
    from bench.open_loop import open_loop
    from bot.harness import free_port

    one_at_a_time = asyncio.Lock()

    async def answer(request):
        async with one_at_a_time:
            await asyncio.sleep(0.05)
        return web.json_response([{"text": "ok"}])

    app = web.Application()
    app.router.add_post("/a", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        script = [[Turn("one"), Turn("two")]]
        summary = await open_loop(f"http://127.0.0.1:{port}/a", script, 60.0, 3.0, 0.5, 3, 10.0)
    finally:
        await runner.cleanup()
    assert summary.error_count == 0 and summary.ok > 60, "about 90 arrivals in the 1.5 s window"
    assert summary.completed is not None and summary.throughput <= 21.0, "at most 20 replies a second came back"
    assert summary.ok / summary.wall_s > 40, "what the old figure (answered arrivals) would have said"
