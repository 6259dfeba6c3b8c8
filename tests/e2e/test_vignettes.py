"""Vignettes through the REST channel: no red flag may be missed (figures printed with -s)."""

from pathlib import Path

import pytest

from bot.cli.vignettes import figures, run_file

VIGNETTES = Path(__file__).resolve().parents[1] / "vignettes"
SAMPLE = VIGNETTES / "sample.yml"  # the team's sample set (docs/vignette-format.md)
FILES = sorted(VIGNETTES.glob("*.yml"))


@pytest.mark.e2e
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_vignettes(bot_url, path):
    outcomes = run_file(bot_url, path)
    result = figures(outcomes)
    print(f"\n{path}: " + "; ".join(result.lines()))
    under = [(o.vignette.id, o.level, o.vignette.accept) for o in outcomes if o.under]
    late = [o.vignette.id for o in outcomes if o.late_emergency]
    assert result.emergency_sensitivity == 1.0, under
    assert under == []
    assert late == [], "every emergency must be given during the scripted turns, not after the follow-ups"


def test_the_projects_own_set_is_large_and_varied():
    import yaml

    vignettes = yaml.safe_load((VIGNETTES / "baclofen.yml").read_text())["vignettes"]
    assert len(vignettes) >= 80
    assert len({tuple(v["turns"]) for v in vignettes}) == len(vignettes)
    sample = {t for v in yaml.safe_load(SAMPLE.read_text())["vignettes"] for t in v["turns"]}
    assert not sample & {t for v in vignettes for t in v["turns"] if len(t) > 10}
