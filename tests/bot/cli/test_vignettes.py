from bot.cli.vignettes import figures
from bot.flows.vignettes import Outcome, Vignette


def outcome(accept, level, in_turns=True):
    return Outcome(Vignette("v", accept, ["t"], []), level=level, emergency_in_turns=in_turns)


def test_figures_count_under_over_and_sensitivity():
    outcomes = [
        outcome(["emergency"], "emergency"),
        outcome(["emergency"], "urgent"),  # under-triage, a missed emergency
        outcome(["routine", "urgent"], "emergency"),  # over-triage
        outcome(["none", "self_care"], "none"),
        outcome(["emergency"], "emergency", in_turns=False),  # only after the follow-ups
    ]
    f = figures(outcomes)
    assert (f.total, f.under, f.over, f.late_emergencies) == (5, 1, 1, 1)
    assert f.emergency_sensitivity == 2 / 3
    assert f.accuracy == 3 / 5
