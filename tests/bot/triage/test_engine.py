"""The triage rules on their own: situations in, level and reasons out."""

import pytest

from bot.knowledge import load_catalogue
from bot.triage import Situation, assess, level_rank, situation_from_turns


def sit(symptoms=(), events=(), route="tablets"):
    return Situation(symptoms=frozenset(symptoms), events=frozenset(events), route=route)


@pytest.mark.parametrize("symptom", [s.id for s in load_catalogue().red_flags])
@pytest.mark.parametrize("route", ["tablets", "pump", "unknown", None])
def test_every_red_flag_is_an_emergency_on_every_route(symptom, route):
    result = assess(sit([symptom], route=route))
    assert result.level == "emergency"
    (reason,) = [r for r in result.reasons if r["rule"] == "red_flag"]
    assert reason["symptoms"] == [symptom]
    catalogue = load_catalogue()
    cited = set(catalogue.symptoms[symptom].sources)
    if route == "tablets":  # evidence about the pump alone is not cited to someone on tablets
        cited = {i for i in cited if catalogue.sources[i].only_route != "pump"} or cited
    assert cited <= set(reason["sources"])


@pytest.mark.parametrize(
    "route, cited, not_cited",
    [
        ("tablets", "oral_taper_hyperthermia_1993", "itb_boxed_warning"),
        ("pump", "itb_boxed_warning", None),
        (None, "itb_boxed_warning", None),
    ],
)
def test_a_fever_cites_the_evidence_of_the_route(route, cited, not_cited):
    (reason,) = assess(sit(["fever"], route=route)).reasons
    assert cited in reason["sources"]
    assert not_cited not in reason["sources"]


@pytest.mark.parametrize(
    "situation, level, rule",
    [
        # intrathecal boxed warning
        (sit(["rigidity"], route="pump"), "emergency", "pump_boxed_warning"),
        (sit(["severe_spasticity"], route="pump"), "emergency", "pump_boxed_warning"),
        (sit(["rigidity"], route="unknown"), "emergency", "pump_boxed_warning"),
        (sit(["rigidity"], ["stopped_abruptly"], route="tablets"), "urgent", "abrupt_stop"),
        # pump problems
        (sit(["itching"], ["pump_problem"], route="pump"), "emergency", "pump_problem_with_signs"),
        (sit(["spasticity"], ["pump_problem"], route="pump"), "emergency", "pump_problem_with_signs"),
        (sit(["itching", "low_blood_pressure"], route="pump"), "emergency", "pump_itching_low_bp"),
        (sit([], ["pump_problem"], route="pump"), "urgent", "pump_problem"),
        # a pump user who ran out or missed doses (the bot's own button): a pump problem
        (sit(["anxiety"], ["ran_out"], route="pump"), "emergency", "pump_problem_with_signs"),
        (sit([], ["ran_out"], route="pump"), "urgent", "pump_problem"),
        (sit(["anxiety"], ["ran_out"], route="tablets"), "urgent", "abrupt_stop"),
        (sit(["tingling"], route="pump"), "urgent", "pump_early_signs"),
        (sit(["tingling"], ["tapering"], route="tablets"), "routine", "symptoms_routine"),
        # overdose and mixing
        (sit(["severe_drowsiness"], ["took_too_much"]), "emergency", "overdose_signs"),
        (sit(["vomiting"], ["mixed_opioids"]), "emergency", "overdose_signs"),
        (sit([], ["took_too_much"]), "urgent", "more_than_prescribed"),
        (sit(["craving"], ["as_usual"]), "urgent", "more_than_prescribed"),
        (sit([], ["mixed_alcohol"]), "urgent", "depressant_mix"),
        (sit(["severe_drowsiness"], ["as_usual"]), "routine", "symptoms_routine"),
        (sit(["floppiness"], ["pump_dose_change"], route="pump"), "emergency", "overdose_signs"),
        (sit([], ["pump_dose_change"], route="pump"), "self_care", "no_symptoms"),
        # a racing heart is a withdrawal sign; with feeling faint, the heart-rhythm red flag
        (sit(["palpitations", "feeling_faint"], ["as_usual"]), "emergency", "racing_heart_feeling_faint"),
        (sit(["palpitations"], ["stopped_abruptly"]), "urgent", "abrupt_stop"),
        (sit(["feeling_faint"], ["as_usual"]), "routine", "symptoms_routine"),
        # oral withdrawal
        (sit(["tremor", "sweating"], ["stopped_abruptly"]), "urgent", "abrupt_stop"),
        (sit(["spasticity"], ["ran_out"]), "urgent", "abrupt_stop"),
        (sit(["insomnia"], ["missed_doses"]), "urgent", "abrupt_stop"),
        (sit([], ["ran_out"]), "urgent", "abrupt_stop"),
        (sit(["anxiety"], ["tapering"]), "routine", "symptoms_routine"),
        (sit(["tremor"]), "urgent", "withdrawal_signs_unclear"),
        # side effects and nothing
        (sit(["headache"], ["as_usual"]), "routine", "symptoms_routine"),
        (sit(["drowsiness"]), "routine", "symptoms_routine"),
        (sit([], ["tapering"]), "self_care", "no_symptoms"),
        (sit(), "self_care", "no_symptoms"),
    ],
)
def test_levels_and_the_rule_that_set_them(situation, level, rule):
    result = assess(situation)
    assert result.level == level
    assert rule in {r["rule"] for r in result.reasons}
    assert all(r["level"] == level for r in result.reasons), "only the reasons that set the level are given"


def test_every_reason_cites_known_sources():
    catalogue = load_catalogue()
    for situation in [sit(["tremor"], ["stopped_abruptly"]), sit(["vomiting"], ["took_too_much"]), sit(["headache"])]:
        for reason in assess(situation).reasons:
            assert reason["sources"] and set(reason["sources"]) <= set(catalogue.sources)


def test_a_yes_to_the_screen_brings_the_crisis_line_since_it_may_be_thoughts_of_self_harm():
    screened = Situation(symptoms=frozenset(), events=frozenset(), route="tablets", screen="yes")
    assert assess(screened).crisis_line and not assess(sit(["tremor"], ["stopped_abruptly"])).crisis_line


def test_suicidal_thoughts_bring_the_crisis_line():
    assert assess(sit(["suicidal"])).crisis_line
    assert not assess(sit(["hallucinations"])).crisis_line


def test_level_order():
    assert [level_rank(x) for x in ("none", "self_care", "routine", "urgent", "emergency")] == [-1, 0, 1, 2, 3]


def f(kind, ident, assertion="present", experiencer="patient"):
    return dict(
        kind=kind, id=ident, text=ident, start=0, end=1, assertion=assertion, uncertain=False, experiencer=experiencer
    )


class TestSituationFromTurns:
    def test_only_present_findings_count(self):
        s = situation_from_turns(
            [[f("symptom", "fever", "negated"), f("symptom", "seizure", "historical"), f("symptom", "tremor")]]
        )
        assert s.symptoms == {"tremor"}
        assert s.negated == {"fever"}

    def test_caregiver_report_counts(self):
        s = situation_from_turns([[f("symptom", "confusion", experiencer="other")]])
        assert s.symptoms == {"confusion"} and s.reported_by_other

    def test_later_negation_withdraws_a_symptom_but_never_a_red_flag(self):
        turns = [
            [f("symptom", "headache"), f("symptom", "hallucinations")],
            [f("symptom", "headache", "negated"), f("symptom", "hallucinations", "negated")],
        ]
        assert situation_from_turns(turns).symptoms == {"hallucinations"}

    def test_a_correction_of_the_route_wins(self):
        turns = [[f("route", "tablets")], [f("route", "pump")]]
        assert situation_from_turns(turns, route_slot="tablets").route == "pump"

    def test_a_message_naming_both_routes_is_the_pump_and_a_later_one_still_corrects_it(self):
        both = [f("route", "pump"), f("route", "tablets")]
        assert situation_from_turns([both], route_slot="tablets").route == "pump"
        assert situation_from_turns([both, [f("route", "tablets")]]).route == "tablets"

    def test_the_slot_is_used_when_no_route_was_named(self):
        assert situation_from_turns([[f("symptom", "tremor")]], route_slot="unknown").route == "unknown"


@pytest.mark.parametrize(
    "screen, symptoms, level, rule",
    [
        ("yes", [], "emergency", "emergency_screen"),
        ("yes", ["insomnia"], "emergency", "emergency_screen"),
        ("unsure", ["dizziness"], "urgent", "emergency_screen_unsure"),
        ("no", ["dizziness"], "routine", "symptoms_routine"),
        (None, [], "self_care", "no_symptoms"),
    ],
)
def test_the_red_flag_screen_answer(screen, symptoms, level, rule):
    situation = Situation(symptoms=frozenset(symptoms), route="tablets", screen=screen)
    result = assess(situation)
    assert result.level == level
    assert rule in [r["rule"] for r in result.reasons]


def test_a_screen_answer_reaches_the_situation():
    assert situation_from_turns([[]], screen="yes").screen == "yes"


def test_tablets_taken_at_once_are_told_to_ask_a_poison_centre_now_not_about_craving():
    (reason,) = assess(sit(events=["took_too_much"])).reasons
    assert "poison centre" in reason["text"] and "craving" not in reason["text"]
    (reason,) = assess(sit(["craving"])).reasons
    assert "craving" in reason["text"]
