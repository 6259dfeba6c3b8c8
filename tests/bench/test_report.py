"""The benchmark's record: targets and the README's tables from a small saved run, and the README
marker replacement (no timings)."""

import json
from pathlib import Path

import pytest

from bench import report
from bench.scale import ScaleFigures

FIXTURE = Path(__file__).parent / "fixtures" / "small_run.json"


def doc() -> dict:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    # The scale section as `python -m bench` writes it (with its figures and ratio).
    data["scale"] = ScaleFigures.from_dict(data["scale"]).to_dict()
    return data


def by_name(found: list, start: str) -> dict:
    return next(t for t in found if t["name"].startswith(start))


def test_spread_and_cells_show_median_and_range() -> None:
    s = report.spread([3.0, None, 1.0, 2.0])
    assert (s.median, s.low, s.high) == (2.0, 1.0, 3.0)
    assert report.cell(s, 1) == "2.0 (1.0–3.0)"
    assert report.cell(report.spread([5.0, 5.0])) == "5"
    assert report.cell(report.spread([None])) == "n/a"


def test_half_of_stocks_saturation_is_the_highest_measured_rate_at_or_below_it() -> None:
    assert report.half_rate([5, 10, 20, 30, 40], 40) == 20
    assert report.half_rate([5, 10, 20, 30, 40], 30) == 10
    assert report.half_rate([5, 10], 5) is None
    assert report.half_rate([5, 10], None) is None


def test_targets_of_the_small_run() -> None:
    found = report.targets(doc())
    saturation = by_name(found, "saturation rate")
    assert (saturation["ours"], saturation["limit"], saturation["met"]) == (20.0, 10.0, True)
    half = by_name(found, "p95 at half")
    assert "(5 msg/s)" in half["name"] and half["ours"] == 50 and half["limit"] == pytest.approx(78.0)
    assert half["met"] is True and (half["errors"], half["unexpected"]) == (0, 0)
    one = by_name(found, "one-at-a-time")
    assert one["ours"] == 42.0 and one["limit"] == pytest.approx(52.0 * 1.3) and one["met"] is True
    assert by_name(found, "0 errors")["met"] is True
    assert by_name(found, "Rasa server RSS")["met"] is True
    assert by_name(found, "cold start")["ours"] == 15.0
    scale = by_name(found, "two Rasa processes")
    assert scale["ours"] == pytest.approx(4.4 / 4.0) and scale["met"] is True
    assert by_name(found, "NLU path")["met"] is True


def test_an_error_or_unexpected_reply_fails_its_figures_target() -> None:
    data = doc()
    data["bots"]["ours"]["sequential"][0]["unexpected"] = 1
    data["open_loop"]["phases"][0]["summary"]["errors"] = {"timeout": 1}  # ours at 5 msg/s
    found = report.targets(data)
    one = by_name(found, "one-at-a-time")
    assert one["met"] is False and one["unexpected"] == 1, "faster than stock, but a reply was wrong"
    assert by_name(found, "0 errors")["met"] is False
    assert by_name(found, "0 errors")["ours"] == 1
    saturation = by_name(found, "saturation rate")
    assert saturation["ours"] == 20.0 and saturation["met"] is True, "an error at 5 msg/s does not move it"


def test_markdown_of_the_small_run() -> None:
    text = report.markdown(doc())
    assert "Machine: AMD EPYC 7B13, nproc=2, 23.5 GB RAM" in text and "commit `abc1234`" in text
    assert "| training time, every step (s) | 40.0 | 60.0 | 0.67 |" in text
    assert "| … spaCy pipeline build (s) | 8.0 | n/a |  |" in text
    assert "| cold start: process start → first full answer (s), 3 runs | 15.0 (14.0–16.0) | 34.0 (30.0–35.0) |" in text
    assert "| one at a time, p95 (ms), 3 repeats | 42.0 (40.0–44.0) | 52.0 (50.0–54.0) | 0.81 |" in text
    memory = "| Rasa server RSS after a cold start's first answer (MB), 3 starts | 810 (800–820) | 1200 (1190–1210) |"
    assert memory + " 0.68 |" in text
    assert "| 40 | stock | 3000 | 6000 | 7000 | 40.0 | 2 | 0 | 800 | 1.50 | 0 | 0.40 |" in text
    assert "Saturation rate (ours, highest rate with median p99 < 1 s and no error): 20 msg/s." in text
    assert "| open-loop saturation rate (msg/s) | 20 | 10 | 2.00 |" in text
    assert "| CPU ms per turn, Rasa + action server | 20.00 | 22.00 | 1.10 |" in text
    assert "| two Rasa processes' CPU per turn <= 1.15 x one's | 1.10 × | 1.15 × | 0 / 0 | met |" in text
    assert "MISSED" not in text


def test_the_tables_come_from_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text(json.dumps(doc()), encoding="utf-8")
    assert report.markdown(json.loads(path.read_text(encoding="utf-8"))) == report.markdown(doc())


def test_readme_tables_are_replaced_between_the_markers_only(tmp_path: Path, capsys) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Bot\n\nBefore.\n\n{report.BEGIN}\nold table\n{report.END}\n\nAfter.\n", encoding="utf-8")
    path = tmp_path / "run.json"
    path.write_text(json.dumps(doc()), encoding="utf-8")
    assert report.main([str(path), "--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Bot\n\nBefore.\n\n" + report.BEGIN + "\nMachine: ")
    assert text.endswith(report.END + "\n\nAfter.\n") and "old table" not in text
    assert report.markdown(doc()) in text and report.markdown(doc()) in capsys.readouterr().out
    again = report.replace_between(text, report.markdown(doc()))
    assert again == text, "regenerating from the same run changes nothing"


@pytest.mark.parametrize(
    "text", ["no markers", f"{report.END} {report.BEGIN}", f"{report.BEGIN}{report.BEGIN}{report.END}"]
)
def test_missing_or_misplaced_markers_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="bench:begin"):
        report.replace_between(text, "table")


def test_the_readme_has_the_markers() -> None:
    text = (report.ROOT / "README.md").read_text(encoding="utf-8")
    assert report.replace_between(text, "x").count(report.BEGIN) == 1


def test_a_figure_that_only_failed_misses_its_target_rather_than_being_not_judged() -> None:
    data = doc()
    for summary in data["bots"]["ours"]["sequential"]:
        summary.update(ok=0, errors={"http_405": summary["n"]}, p50_ms=None, p95_ms=None, p99_ms=None)
    one = by_name(report.targets(data), "one-at-a-time")
    assert one["ours"] is None and one["met"] is False and one["errors"] == 180
