"""The frozen part of the real-language corpus through the REST channel (figures printed with -s).

The frozen part is never used to train, tune or extend the lexicon (data/real_language/README.md).
Its first run, at the commit the README names, is the figure the project reports; these tests
keep it from getting worse and say plainly that the issue's target is not met yet.
"""

import pytest

from bot.cli.real_language import figures, report, score
from bot.corpus import FROZEN_FILE, load_statements

pytestmark = pytest.mark.e2e

# Issue 13's targets, on real statements (case-report paraphrases are scored apart).
TARGET_SENSITIVITY = 0.95
TARGET_UNDER = 0.05
TARGET_OVER = 0.15
# The first run (README, "Words the bot has not seen"): 28 of 34 real emergencies in their turn,
# 9 of 62 other statements under-triaged, 24 over-triaged. One later change (plain withdrawal
# wording added as the learned layer's negatives, after the fuzz test's "my hands are shaking since
# I ran out" was given the emergency advice) cost one of the 28; the floor is what the bot gives now.
FLOOR_CAUGHT, FLOOR_UNDER, FLOOR_OVER = 27, 9, 24


@pytest.fixture(scope="module")
def real(bot_url):
    scored = score(bot_url, [s for s in load_statements(FROZEN_FILE) if s.kind == "real"])
    print("\n" + "\n".join(report(scored, show_texts=False)))
    return figures(scored)


def test_the_frozen_part_is_no_worse_than_it_is_now(real):
    assert real.caught >= FLOOR_CAUGHT
    assert real.under <= FLOOR_UNDER
    assert real.over <= FLOOR_OVER


@pytest.mark.xfail(strict=True, reason="first run: sensitivity 0.82, under-triage 0.15, over-triage 0.39 (README)")
def test_the_frozen_part_meets_the_target(real):
    assert real.sensitivity >= TARGET_SENSITIVITY
    assert real.under_rate <= TARGET_UNDER
    assert real.over_rate <= TARGET_OVER
