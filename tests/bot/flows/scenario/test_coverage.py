"""Coverage: the shipped scenarios check every red flag and every level."""

from bot.flows.scenario.coverage import coverage
from bot.flows.scenario.loading import load_paths
from bot.knowledge import load_catalogue
from bot.triage import REPORTED_LEVELS
from tests.bot.flows.scenario.files import LIBRARY


def test_the_library_covers_every_red_flag_and_every_level():
    files, _ = load_paths([LIBRARY])
    scenarios = [s for f in files for s in f.scenarios]
    cover = coverage(scenarios)
    assert cover.uncovered_red_flags == []
    assert {s.id for s in load_catalogue().red_flags} <= set(cover.covered)
    assert {level for s in scenarios for level in s.levels} == set(REPORTED_LEVELS)
    tags = {t for s in scenarios for t in s.tags}
    for needed in (
        "pump route",
        "tablets route",
        "negation",
        "caregiver",
        "correction",
        "question mid-flow",
        "red flag mid-form",
        "restart",
    ):
        assert needed in tags, needed
