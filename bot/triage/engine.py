"""The triage engine: deterministic, cited rules from a Situation to a level with reasons.

Every rule is a pure function of the situation and the catalogue. Each one that fires gives a
reason (which rule, which symptoms, which sources); the level is the highest among them. The
policy follows docs/clinical/policy.md; where it is silent the rules take the higher level
and say so in the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

from bot.knowledge import Catalogue, Symptom, load_catalogue
from bot.triage.situation import Situation
from bot.types import Reason, TriagePayload

LEVELS = ("self_care", "routine", "urgent", "emergency")
# As reported by the tools (vignettes, scenarios): "none" when no assessment was given.
REPORTED_LEVELS = ("none", *LEVELS)

Rule = Callable[[Situation, Catalogue], List[Reason]]
RULES: List[Rule] = []


def rule(fn: Rule) -> Rule:
    """Register a triage rule (order is only the order reasons are listed in)."""
    RULES.append(fn)
    return fn


def reported_rank(level: str) -> int:
    """0 for "none" up to 4 for "emergency" (ValueError for anything else)."""
    return REPORTED_LEVELS.index(level)


def level_rank(level: str) -> int:
    """0 for self_care up to 3 for emergency; unknown levels (e.g. "none") rank -1."""
    return LEVELS.index(level) if level in LEVELS else -1


@dataclass(frozen=True)
class Assessment:
    """The result: a level, the reasons for it, and whether a crisis line applies."""

    level: str
    reasons: List[Reason]
    symptoms: List[str]
    crisis_line: bool = False

    @property
    def is_emergency(self) -> bool:
        return self.level == "emergency"

    def payload(self) -> TriagePayload:
        """The machine-readable form sent in a reply's `custom.triage`."""
        return TriagePayload(level=self.level, symptoms=self.symptoms, reasons=self.reasons)


def _reason(rule_id: str, level: str, text: str, symptoms: Sequence[Symptom], sources: Sequence[str]) -> Reason:
    cited = list(dict.fromkeys([*sources, *(src for s in symptoms for src in s.sources)]))
    return Reason(rule=rule_id, level=level, text=text, symptoms=[s.id for s in symptoms], sources=cited)


def _present(s: Situation, c: Catalogue, test: Callable[[Symptom], bool]) -> List[Symptom]:
    return sorted((c.symptoms[i] for i in s.symptoms if test(c.symptoms[i])), key=lambda x: x.id)


def _events(s: Situation, c: Catalogue, test: Callable) -> List[str]:
    return sorted(e for e in s.events if test(c.events[e]))


def _pump_possible(s: Situation) -> bool:
    """A pump user, or someone who could not say whether it is tablets or a pump."""
    return s.route in ("pump", "unknown")


def _listing(symptoms: Sequence[Symptom]) -> str:
    return ", ".join(x.plain for x in symptoms)


# ----------------------------------------------------------------------------- emergency


@rule
def red_flag_symptoms(s: Situation, c: Catalogue) -> List[Reason]:
    """Red flags are emergencies on any route, whatever else is known (ASAM-style override)."""
    return [
        _reason(
            "red_flag",
            "emergency",
            f"You mentioned {x.plain}. With baclofen this can be a sign of severe withdrawal or "
            "of too much baclofen, and needs emergency care now.",
            [x],
            [],
        )
        for x in _present(s, c, lambda x: x.red_flag)
    ]


@rule
def pump_boxed_warning(s: Situation, c: Catalogue) -> List[Reason]:
    """Intrathecal boxed warning: rigidity or severe rebound spasticity in a pump user.

    If the route is not known we cannot rule out a pump, so we take the higher level.
    """
    found = _present(s, c, lambda x: x.severity == "pump_red_flag")
    if not found or not _pump_possible(s):
        return []
    who = "For someone with a baclofen pump" if s.on_pump else "As we could not confirm it is not a pump"
    return [
        _reason(
            "pump_boxed_warning",
            "emergency",
            f"{who}, {_listing(found)} can be a sign of pump withdrawal, which can become "
            "life-threatening within hours.",
            found,
            ["itb_boxed_warning", "gablofen_med_guide"],
        )
    ]


@rule
def pump_problem_with_signs(s: Situation, c: Catalogue) -> List[Reason]:
    """A pump problem (alarm, empty, missed refill) plus any withdrawal sign: hospital now."""
    if "pump_problem" not in s.events:
        return []
    found = _present(s, c, lambda x: x.severity in ("withdrawal", "pump_red_flag") or x.pump_early_sign)
    if not found:
        return []
    return [
        _reason(
            "pump_problem_with_signs",
            "emergency",
            f"A pump problem together with {_listing(found)} suggests pump withdrawal has started. "
            "The pump's medication guide says to go to hospital straight away.",
            found,
            ["gablofen_med_guide", "gablofen_label_5_5", "itb_boxed_warning"],
        )
    ]


@rule
def pump_itching_low_blood_pressure(s: Situation, c: Catalogue) -> List[Reason]:
    """Itching with low blood pressure in a pump user is an emergency."""
    if not s.on_pump or not {"itching", "low_blood_pressure"} <= s.symptoms:
        return []
    found = [c.symptoms["itching"], c.symptoms["low_blood_pressure"]]
    return [
        _reason(
            "pump_itching_low_bp",
            "emergency",
            "Itching together with low blood pressure in someone with a baclofen pump are signs of " "pump withdrawal.",
            found,
            ["gablofen_label_5_5", "itb_boxed_warning"],
        )
    ]


@rule
def overdose_signs(s: Situation, c: Catalogue) -> List[Reason]:
    """Too much baclofen, or a depressant mix, with signs of overdose."""
    causes = _events(s, c, lambda e: e.depressant or e.id == "took_too_much")
    found = _present(s, c, lambda x: x.overdose_sign)
    if not causes or not found:
        return []
    what = ", ".join(c.events[e].label for e in causes)
    return [
        _reason(
            "overdose_signs",
            "emergency",
            f"You mentioned {what}, and {_listing(found)}: these can be signs of an overdose, "
            "which can slow breathing.",
            found,
            ["pms_baclofen_overdose", "gablofen_overdose", "benzo_opioid_boxed_warning", "poison_control_us"],
        )
    ]


@rule
def emergency_screen_yes(s: Situation, c: Catalogue) -> List[Reason]:
    """A yes to the red-flag screen ("is any of these happening now?") is an emergency."""
    if s.screen != "yes":
        return []
    return [
        _reason(
            "emergency_screen",
            "emergency",
            "You said that one of the emergency signs is happening now (confusion, hallucinations, "
            "a seizure, fever, trouble breathing, being hard to wake, thoughts of self-harm, or pump "
            "withdrawal signs). Each of them needs emergency care now.",
            [],
            ["fda_oral_label", "itb_boxed_warning", "asam_2020"],
        )
    ]


# ----------------------------------------------------------------------------- urgent


@rule
def emergency_screen_unsure(s: Situation, c: Catalogue) -> List[Reason]:
    """Not sure whether an emergency sign is happening: at least urgent (when in doubt, the higher level)."""
    if s.screen != "unsure":
        return []
    return [
        _reason(
            "emergency_screen_unsure",
            "urgent",
            "You were not sure whether one of the emergency signs is happening. Get advice today, and "
            "call the emergency number at once if any of them appears.",
            [],
            ["clinical_policy_higher_level"],
        )
    ]


@rule
def pump_problem(s: Situation, c: Catalogue) -> List[Reason]:
    """A pump alarm, an empty pump or a missed refill needs the pump team today, before symptoms."""
    if "pump_problem" not in s.events:
        return []
    return [
        _reason(
            "pump_problem",
            "urgent",
            "A pump alarm, a missed refill or an empty pump can lead to withdrawal within hours: "
            "contact the pump team now, before symptoms start.",
            [],
            ["gablofen_med_guide", "gablofen_label_5_5"],
        )
    ]


@rule
def pump_early_signs(s: Situation, c: Catalogue) -> List[Reason]:
    """Early signs of intrathecal withdrawal (label 5.5) in a pump user, or where a pump is possible."""
    found = _present(s, c, lambda x: x.pump_early_sign)
    if not found or not _pump_possible(s):
        return []
    who = "For someone with a baclofen pump" if s.on_pump else "As we could not confirm it is not a pump"
    return [
        _reason(
            "pump_early_signs",
            "urgent",
            f"{who}, {_listing(found)} can be early signs of pump withdrawal.",
            found,
            ["gablofen_label_5_5"],
        )
    ]


@rule
def abrupt_stop(s: Situation, c: Catalogue) -> List[Reason]:
    """Symptoms after stopping suddenly, running out or missing doses: prescriber today."""
    causes = _events(s, c, lambda e: e.abrupt)
    if not causes:
        return []
    found = _present(s, c, lambda x: not x.red_flag)
    what = " and ".join(c.events[e].label for e in causes)
    if found:
        text = (
            f"You mentioned {_listing(found)} after {what}. Stopping baclofen suddenly can cause "
            "withdrawal, which can get worse over 1 to 3 days."
        )
    else:
        text = (
            f"You mentioned {what}. Stopping baclofen suddenly can cause withdrawal within 1 to 3 days, "
            "including hallucinations and seizures, so the prescriber needs to know today."
        )
    return [_reason("abrupt_stop", "urgent", text, found, ["fda_oral_label", "ozobax_label", "spinal_cord_2009"])]


@rule
def took_too_much_or_craving(s: Situation, c: Catalogue) -> List[Reason]:
    """Taking more than prescribed, or craving, is at least urgent."""
    found = _present(s, c, lambda x: x.severity == "misuse")
    if "took_too_much" not in s.events and not found:
        return []
    return [
        _reason(
            "more_than_prescribed",
            "urgent",
            "Taking more baclofen than prescribed, or craving it, needs a talk with the prescriber today.",
            found,
            ["misuse_case_reports", "leung_2006"],
        )
    ]


@rule
def depressant_mix(s: Situation, c: Catalogue) -> List[Reason]:
    """Baclofen with alcohol, opioids or benzodiazepines: additive sedation even before signs."""
    mixes = _events(s, c, lambda e: e.depressant)
    if not mixes:
        return []
    what = ", ".join(c.events[e].label for e in mixes)
    return [
        _reason(
            "depressant_mix",
            "urgent",
            f"You mentioned {what}: their effects add up with baclofen's, and drowsiness and slow "
            "breathing can follow. Do not stay alone, and get advice today.",
            [],
            ["ozobax_label", "benzo_opioid_boxed_warning", "poison_control_us"],
        )
    ]


@rule
def withdrawal_signs_unclear_cause(s: Situation, c: Catalogue) -> List[Reason]:
    """Withdrawal signs when we could not learn what happened: take the higher level."""
    if s.events:
        return []
    found = _present(s, c, lambda x: x.severity in ("withdrawal", "pump_red_flag"))
    if not found:
        return []
    return [
        _reason(
            "withdrawal_signs_unclear",
            "urgent",
            f"{_listing(found).capitalize()} can be withdrawal signs. We could not tell whether "
            "baclofen was stopped or missed, so we choose the more careful level.",
            found,
            ["fda_oral_label"],
        )
    ]


# ----------------------------------------------------------------------------- routine


@rule
def symptoms_while_tapering_or_usual(s: Situation, c: Catalogue) -> List[Reason]:
    """Mild symptoms while tapering as prescribed, or ordinary side effects: tell the prescriber soon."""
    found = _present(s, c, lambda x: not x.red_flag)
    if not found:
        return []
    if "tapering" in s.events:
        text = (
            f"You mentioned {_listing(found)} while cutting down. Tell your prescriber soon: they may slow the taper."
        )
        sources = ["fda_oral_label", "uk_csm_taper"]
    else:
        text = f"{_listing(found).capitalize()} can be side effects of baclofen. Tell your prescriber soon."
        sources = ["oral_label_side_effects"]
    return [_reason("symptoms_routine", "routine", text, found, sources)]


def assess(situation: Situation, catalogue: Optional[Catalogue] = None) -> Assessment:
    """Run every rule; the level is the highest one that fired (self_care if none)."""
    catalogue = catalogue or load_catalogue()
    reasons: List[Reason] = [r for fn in RULES for r in fn(situation, catalogue)]
    if not reasons:
        reasons = [
            Reason(
                rule="no_symptoms",
                level="self_care",
                text="You did not mention any symptoms. Come back if anything changes.",
                symptoms=[],
                sources=[],
            )
        ]
    level = max((r["level"] for r in reasons), key=level_rank)
    # Only the reasons that set the level are given: lower ones would blur the advice.
    reasons = [r for r in reasons if r["level"] == level]
    crisis = any(catalogue.symptoms[i].crisis_line for i in situation.symptoms)
    return Assessment(level=level, reasons=reasons, symptoms=sorted(situation.symptoms), crisis_line=crisis)
