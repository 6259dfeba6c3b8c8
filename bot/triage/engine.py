"""The triage engine: deterministic, cited rules from a Situation to a level with reasons.

Every rule is a pure function of the situation and the catalogue. Each one that fires gives a
reason (which rule, which symptoms, which sources); the level is the highest among them. The
policy follows docs/clinical/policy.md; where it is silent the rules take the higher level
and say so in the reason. The words of every reason are data (bot/knowledge/reasons.yml, keyed
by the rule id given here), so a clinician reviews them without reading code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

from bot.knowledge import Catalogue, Symptom, load_catalogue
from bot.knowledge.reasons import load_reasons
from bot.names import Level
from bot.triage.situation import Situation
from bot.types import Reason

# The triage levels, lowest first: the one list of them.
LEVELS = (Level.SELF_CARE, Level.ROUTINE, Level.URGENT, Level.EMERGENCY)
# As reported by the tools (vignettes, scenarios): "none" when no assessment was given.
REPORTED_LEVELS = (Level.NONE, *LEVELS)

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
        return self.level == Level.EMERGENCY


def _reason(
    rule_id: str, level: str, symptoms: Sequence[Symptom], sources: Sequence[str], variant: str = "", **values: str
) -> Reason:
    """The reason of rule `rule_id`: its text (reasons.yml, with `values` filled in) and its sources."""
    text = load_reasons().reason(rule_id, variant, **values)
    cited = list(dict.fromkeys([*sources, *(src for s in symptoms for src in s.sources)]))
    return Reason(rule=rule_id, level=level, text=text, symptoms=[s.id for s in symptoms], sources=cited)


def _present(s: Situation, c: Catalogue, test: Callable[[Symptom], bool]) -> List[Symptom]:
    return sorted((c.symptoms[i] for i in s.symptoms if test(c.symptoms[i])), key=lambda x: x.id)


def _events(s: Situation, c: Catalogue, test: Callable) -> List[str]:
    return sorted(e for e in s.events if test(c.events[e]))


def _pump_possible(s: Situation) -> bool:
    """A pump user, or someone who could not say whether it is tablets or a pump."""
    return s.route in ("pump", "unknown")


def _pump_problem(s: Situation) -> bool:
    """A pump alarm, empty pump or missed refill; for a pump user, running out too (a pump that ran
    out is empty; the bot's own "ran out" button says it)."""
    return "pump_problem" in s.events or (s.on_pump and "ran_out" in s.events)


def _listing(symptoms: Sequence[Symptom]) -> str:
    return ", ".join(x.plain for x in symptoms)


def _who(s: Situation) -> str:
    """Who the pump rules speak of: a pump user, or someone who may have one."""
    return load_reasons().say("who.pump" if s.on_pump else "who.route_unknown")


# ----------------------------------------------------------------------------- emergency


@rule
def red_flag_symptoms(s: Situation, c: Catalogue) -> List[Reason]:
    """Red flags are emergencies on any route, whatever else is known (ASAM-style override)."""
    return [_reason("red_flag", Level.EMERGENCY, [x], [], plain=x.plain) for x in _present(s, c, lambda x: x.red_flag)]


@rule
def pump_boxed_warning(s: Situation, c: Catalogue) -> List[Reason]:
    """Intrathecal boxed warning: rigidity or severe rebound spasticity in a pump user.

    If the route is not known we cannot rule out a pump, so we take the higher level.
    """
    found = _present(s, c, lambda x: x.severity == "pump_red_flag")
    if not found or not _pump_possible(s):
        return []
    return [
        _reason(
            "pump_boxed_warning",
            Level.EMERGENCY,
            found,
            ["itb_boxed_warning", "gablofen_med_guide"],
            who=_who(s),
            found=_listing(found),
        )
    ]


@rule
def pump_problem_with_signs(s: Situation, c: Catalogue) -> List[Reason]:
    """A pump problem (alarm, empty, missed refill) plus any withdrawal sign: hospital now."""
    if not _pump_problem(s):
        return []
    found = _present(s, c, lambda x: x.severity in ("withdrawal", "pump_red_flag") or x.pump_early_sign)
    if not found:
        return []
    return [
        _reason(
            "pump_problem_with_signs",
            Level.EMERGENCY,
            found,
            ["gablofen_med_guide", "gablofen_label_5_5", "itb_boxed_warning"],
            found=_listing(found),
        )
    ]


@rule
def pump_itching_low_blood_pressure(s: Situation, c: Catalogue) -> List[Reason]:
    """Itching with low blood pressure in a pump user is an emergency."""
    if not s.on_pump or not {"itching", "low_blood_pressure"} <= s.symptoms:
        return []
    found = [c.symptoms["itching"], c.symptoms["low_blood_pressure"]]
    return [_reason("pump_itching_low_bp", Level.EMERGENCY, found, ["gablofen_label_5_5", "itb_boxed_warning"])]


@rule
def overdose_signs(s: Situation, c: Catalogue) -> List[Reason]:
    """Too much baclofen, a depressant mix, or a pump refill or higher pump dose, with signs of overdose."""
    causes = _events(s, c, lambda e: e.depressant or e.overdose_cause)
    found = _present(s, c, lambda x: x.overdose_sign)
    if not causes or not found:
        return []
    what = ", ".join(c.events[e].label for e in causes)
    return [
        _reason(
            "overdose_signs",
            Level.EMERGENCY,
            found,
            ["pms_baclofen_overdose", "gablofen_overdose", "benzo_opioid_boxed_warning", "poison_control_us"],
            what=what,
            found=_listing(found),
        )
    ]


@rule
def racing_heart_feeling_faint(s: Situation, c: Catalogue) -> List[Reason]:
    """A racing or pounding heart with feeling faint: the heart-rhythm red flag of the policy."""
    if not {"palpitations", "feeling_faint"} <= s.symptoms:
        return []
    found = [c.symptoms["palpitations"], c.symptoms["feeling_faint"]]
    return [_reason("racing_heart_feeling_faint", Level.EMERGENCY, found, ["pms_baclofen_overdose", "fda_oral_label"])]


@rule
def emergency_screen_yes(s: Situation, c: Catalogue) -> List[Reason]:
    """A yes to the red-flag screen ("is any of these happening now?") is an emergency."""
    if s.screen != "yes":
        return []
    return [_reason("emergency_screen", Level.EMERGENCY, [], ["fda_oral_label", "itb_boxed_warning", "asam_2020"])]


# ----------------------------------------------------------------------------- urgent


@rule
def emergency_screen_unsure(s: Situation, c: Catalogue) -> List[Reason]:
    """Not sure whether an emergency sign is happening: at least urgent (when in doubt, the higher level)."""
    if s.screen != "unsure":
        return []
    return [_reason("emergency_screen_unsure", Level.URGENT, [], ["clinical_policy_higher_level"])]


@rule
def pump_problem(s: Situation, c: Catalogue) -> List[Reason]:
    """A pump alarm, an empty pump or a missed refill needs the pump team today, before symptoms."""
    if not _pump_problem(s):
        return []
    return [_reason("pump_problem", Level.URGENT, [], ["gablofen_med_guide", "gablofen_label_5_5"])]


@rule
def pump_early_signs(s: Situation, c: Catalogue) -> List[Reason]:
    """Early signs of intrathecal withdrawal (label 5.5) in a pump user, or where a pump is possible."""
    found = _present(s, c, lambda x: x.pump_early_sign)
    if not found or not _pump_possible(s):
        return []
    return [
        _reason("pump_early_signs", Level.URGENT, found, ["gablofen_label_5_5"], who=_who(s), found=_listing(found))
    ]


@rule
def abrupt_stop(s: Situation, c: Catalogue) -> List[Reason]:
    """Symptoms after stopping suddenly, running out or missing doses: prescriber today."""
    causes = _events(s, c, lambda e: e.abrupt)
    if not causes:
        return []
    found = _present(s, c, lambda x: not x.red_flag)
    what = " and ".join(c.events[e].label for e in causes)
    sources = ["fda_oral_label", "ozobax_label", "spinal_cord_2009"]
    if found:
        return [
            _reason(
                "abrupt_stop", Level.URGENT, found, sources, variant="with_symptoms", found=_listing(found), what=what
            )
        ]
    return [_reason("abrupt_stop", Level.URGENT, found, sources, variant="without_symptoms", what=what)]


@rule
def took_too_much_or_craving(s: Situation, c: Catalogue) -> List[Reason]:
    """Taking more than prescribed, or craving, is at least urgent."""
    found = _present(s, c, lambda x: x.severity == "misuse")
    if "took_too_much" not in s.events and not found:
        return []
    if found:  # craving or escalation
        sources = ["misuse_case_reports", "leung_2006"]
        return [_reason("more_than_prescribed", Level.URGENT, found, sources, variant="craving")]
    sources = ["pms_baclofen_overdose", "leung_2006"]
    return [_reason("more_than_prescribed", Level.URGENT, found, sources, variant="taken")]


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
            Level.URGENT,
            [],
            ["ozobax_label", "benzo_opioid_boxed_warning", "poison_control_us"],
            what=what,
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
    return [_reason("withdrawal_signs_unclear", Level.URGENT, found, ["fda_oral_label"], found=_listing(found))]


# ----------------------------------------------------------------------------- routine


@rule
def symptoms_while_tapering_or_usual(s: Situation, c: Catalogue) -> List[Reason]:
    """Mild symptoms while tapering as prescribed, or ordinary side effects: tell the prescriber soon."""
    found = _present(s, c, lambda x: not x.red_flag)
    if not found:
        return []
    if "tapering" in s.events:
        sources = ["fda_oral_label", "uk_csm_taper"]
        return [_reason("symptoms_routine", Level.ROUTINE, found, sources, variant="tapering", found=_listing(found))]
    sources = ["oral_label_side_effects"]
    return [_reason("symptoms_routine", Level.ROUTINE, found, sources, variant="side_effects", found=_listing(found))]


def _cited_for_route(reason: Reason, s: Situation, c: Catalogue) -> Reason:
    """Someone on tablets is not cited evidence about the pump alone (a fever cites the oral case
    report, not the intrathecal boxed warning); a reason left with no source keeps them all."""
    if s.route != "tablets":
        return reason
    kept = [i for i in reason["sources"] if i not in c.sources or c.sources[i].only_route != "pump"]
    cited = reason.copy()
    cited["sources"] = kept or reason["sources"]
    return cited


def assess(situation: Situation, catalogue: Optional[Catalogue] = None) -> Assessment:
    """Run every rule; the level is the highest one that fired (self_care if none)."""
    catalogue = catalogue or load_catalogue()
    reasons: List[Reason] = [r for fn in RULES for r in fn(situation, catalogue)]
    if not reasons:
        reasons = [_reason("no_symptoms", Level.SELF_CARE, [], [])]
    level = max((r["level"] for r in reasons), key=level_rank)
    # Only the reasons that set the level are given: lower ones would blur the advice.
    reasons = [_cited_for_route(r, situation, catalogue) for r in reasons if r["level"] == level]
    # A yes to the red-flag screen may be its thoughts of self-harm: the crisis line too.
    crisis = any(catalogue.symptoms[i].crisis_line for i in situation.symptoms) or situation.screen == "yes"
    return Assessment(level=level, reasons=reasons, symptoms=sorted(situation.symptoms), crisis_line=crisis)
