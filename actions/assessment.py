"""Sending an assessment: the level's advice first, then why, the crisis line, the disclaimer."""

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.history import user_texts, user_turns
from bot.knowledge import load_catalogue
from bot.knowledge.reasons import load_reasons
from bot.language import emergency_texts, likely_other_language
from bot.names import Response, Slot
from bot.regions import region_said
from bot.settings import RegionNumbers, deployment_region, region_numbers
from bot.triage import Assessment, Situation, assess, situation_from_turns, triage_payload


def situation_of(tracker: Tracker, screen: Optional[Text] = None) -> Situation:
    """Everything said since the last restart, folded into one situation; `screen` is an answer to
    the red-flag screen given this turn, before the slot holds it."""
    return situation_from_turns(
        user_turns(tracker.events),
        route_slot=tracker.get_slot(Slot.ROUTE),
        screen=screen or tracker.get_slot(Slot.EMERGENCY_SCREEN),
    )


def assess_tracker(tracker: Tracker, screen: Optional[Text] = None) -> Assessment:
    """Triage everything said since the last restart."""
    return assess(situation_of(tracker, screen))


def source_titles(source_ids: List[Text]) -> Text:
    sources = load_catalogue().sources
    return "; ".join(sources[s].title for s in source_ids if s in sources)


def numbers_for(tracker: Tracker) -> RegionNumbers:
    """The deployment's numbers, or those of the region the person said they are in (bot/regions.py)."""
    return region_numbers(said=region_said(user_texts(tracker), deployment_region()))


def numbers_to_fill(tracker: Tracker) -> Tuple[RegionNumbers, Dict[Text, Any]]:
    """The region's numbers, and the {emergency_number} and {crisis_line} they fill in responses."""
    numbers = numbers_for(tracker)
    return numbers, {"emergency_number": numbers.emergency_number, "crisis_line": numbers.crisis_line}


def utter_assessment(
    dispatcher: CollectingDispatcher, assessment: Assessment, tracker: Tracker
) -> List[Dict[Text, Any]]:
    """Send the assessment and return the slot events that record it.

    The first message carries the machine-readable payload (`custom.triage`, with the numbers to
    show in a banner under `contact`), so a channel or test reading only the first reply of the
    turn already has the level.
    """
    numbers, fill = numbers_to_fill(tracker)
    dispatcher.utter_message(
        response=Response.level(assessment.level),
        json_message={"triage": triage_payload(assessment, numbers)},
        **fill,
    )
    text = (tracker.latest_message or {}).get("text") or ""
    language = likely_other_language(text) if assessment.is_emergency else None
    if language:
        # Someone who wrote in another language is told in it too (bot/knowledge/other_languages.yml).
        dispatcher.utter_message(text=emergency_texts()[language].format(**fill))
    cited = list(dict.fromkeys(s for r in assessment.reasons for s in r["sources"]))
    why = " ".join(r["text"] for r in assessment.reasons)
    if cited:
        why += " " + load_reasons().sources_line("reasons", source_titles(cited))
    dispatcher.utter_message(response=Response.REASONS, reasons=why, **fill)
    if assessment.crisis_line:
        dispatcher.utter_message(response=Response.CRISIS_LINE, **fill)
    dispatcher.utter_message(response=Response.DISCLAIMER, **fill)
    return [SlotSet(Slot.TRIAGE_LEVEL, assessment.level), SlotSet(Slot.SYMPTOMS, assessment.symptoms)]


# The red-flag screen's own yes ("yes, one of these is happening"), typed or an old button pressed
# after the result: a yes to the screen, not to a check-in offer or to "anything else?".
SIGN_HAPPENING = re.compile(r"\b(one|some|any|all) of (these|them|those)\b.*\b(is|are) happening\b", re.IGNORECASE)


def screen_yes_said_again(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """The assessment with the screen answered yes, when the latest message says so; else nothing."""
    if not SIGN_HAPPENING.search((tracker.latest_message or {}).get("text") or ""):
        return []
    return [
        SlotSet(Slot.EMERGENCY_SCREEN, "yes"),
        *utter_assessment(dispatcher, assess_tracker(tracker, "yes"), tracker),
    ]
