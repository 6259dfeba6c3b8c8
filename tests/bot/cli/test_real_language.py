"""Figures for the real-language corpus."""

from bot.cli.real_language import Scored, by_category, figures, report
from bot.corpus import Statement
from bot.flows.vignettes import Outcome, Vignette


def scored(level, got, caught=False, category="none", kind="real"):
    accept = [level] if level == "emergency" else [level, "none"] if level == "self_care" else [level]
    statement = Statement("s", "text", level, tuple(accept), category, kind, "patient", "question", "http://x")
    return Scored(statement, Outcome(Vignette("s", accept, ["text"], []), level=got, emergency_in_turns=caught))


def test_only_an_emergency_in_the_first_reply_counts_as_caught():
    result = figures(
        [scored("emergency", "emergency", True, "seizure"), scored("emergency", "emergency", False, "fever")]
    )
    assert (result.caught, result.emergencies, result.sensitivity) == (1, 2, 0.5)


def test_under_and_over_triage_of_the_other_statements():
    result = figures([scored("urgent", "routine"), scored("routine", "emergency"), scored("self_care", "none")])
    assert (result.under, result.over, result.non_emergencies) == (1, 1, 3)
    assert result.accepted == 1  # "none" counts as self_care


def test_figures_by_category_and_no_frozen_text_in_the_report():
    rows = [scored("emergency", "urgent", False, "seizure"), scored("emergency", "emergency", True, "seizure")]
    assert by_category(rows)["seizure"].caught == 1
    assert all("text" not in line for line in report(rows, show_texts=False))
    assert any(line.endswith(": text") for line in report(rows, show_texts=True))
