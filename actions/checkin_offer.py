"""Offering a check-in after an assessment, and the check-ins a conversation has pending."""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import situation_of
from bot.checkins.plan import Pending, load_plan, pending, when_text
from bot.names import Response, Slot
from bot.triage import Assessment

NO_THANKS = "no thanks"
SUMMARY_PAYLOAD = "summary for my doctor"


def pending_checkins(tracker: Tracker) -> List[Pending]:
    return pending(tracker.events)


def checkin_button(hours: float, suggested: bool) -> Dict[Text, Text]:
    """A button whose payload is plain words the NLU reads like typed text (never "/intent")."""
    words = when_text(hours)
    title = "Tomorrow" if hours == 24 else words[0].upper() + words[1:]
    return {"title": title + (" (suggested)" if suggested else ""), "payload": f"check on me {words}"}


def offer_checkin(dispatcher: CollectingDispatcher, tracker: Tracker, assessment: Assessment) -> List[Dict[Text, Any]]:
    """After an urgent or routine assessment: offer to check on the person, at a time suited to
    the level and the route (bot/knowledge/checkins.yml); never after an emergency."""
    situation = situation_of(tracker)
    plan = load_plan()
    rule = plan.suggestion(assessment.level, situation.route, situation.events)
    if rule is None:
        return [SlotSet(Slot.CHECKIN_OFFERED, False)]
    options = plan.options(rule.hours)
    buttons = [checkin_button(h, i == 0) for i, h in enumerate(options)]
    buttons += [
        {"title": "No thanks", "payload": NO_THANKS},
        {"title": "Summary for my doctor", "payload": SUMMARY_PAYLOAD},
    ]
    dispatcher.utter_message(response=Response.OFFER_CHECKIN, when=when_text(rule.hours), why=rule.why, buttons=buttons)
    return [SlotSet(Slot.CHECKIN_OFFERED, True), SlotSet(Slot.CHECKIN_SUGGESTED_HOURS, rule.hours)]
