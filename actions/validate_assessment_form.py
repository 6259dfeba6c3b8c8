"""validate_assessment_form: answers the form's questions can take beyond the slot mappings.

The domain's mappings fill `route` and `situation` from the extractor's entities. Here: an answer
that names no route or event ("I don't know", "no") becomes "unknown" instead of a question asked
forever, and "anything else?" is answered by a denial or by more symptoms. Questions and other
non-answers are left to the rules (the form rejects them, they are answered, the form asks
again). A red flag (intent `red_flag`) is left to the rules, which interrupt the form; any other
emergency gets the safety net's advice first.
"""

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.history import findings_of
from actions.safety_net import emergency_if_needed
from bot.names import RESPONSE_OF_BOT_EVENT, ActionName, Entity, Intent, Level, Response, Slot
from bot.triage import route_named

# Messages that are not answers to the form's question: the form rejects them, the rules answer
# them, and the form asks again. Any other reply moves the form on, so it never asks forever.
NOT_AN_ANSWER = (
    Intent.RED_FLAG,
    Intent.RESTART,
    Intent.GOODBYE,
    Intent.GREET,
    Intent.ASK_CAPABILITIES,
    Intent.OUT_OF_SCOPE,
    Intent.NLU_FALLBACK,
    Intent.ASK_WHAT_IS,
    Intent.ASK_SIDE_EFFECTS,
    Intent.ASK_ADDICTION,
    Intent.ASK_WITHDRAWAL,
    Intent.ASK_ALCOHOL,
    Intent.ASK_TAPERING,
    Intent.ASK_OVERDOSE,
    Intent.ASK_PUMP,
    Intent.ASK_OTHER,
    Intent.REQUEST_SUMMARY,
    Intent.SCHEDULE_CHECKIN,
    Intent.CANCEL_CHECKIN,
    Intent.WHEN_NEXT_CHECKIN,
)


# The red-flag screen's answers by intent; anything else is judged by what it reports.
SCREEN_ANSWERS = {Intent.AFFIRM: "yes", Intent.DENY: "no", Intent.UNSURE: "unsure"}


def _intent(tracker: Tracker) -> Optional[Text]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _asked(tracker: Tracker, slot: Text) -> bool:
    """The form asked for `slot` and the latest message is an answer of some kind."""
    return tracker.get_slot(Slot.REQUESTED_SLOT) == slot and _intent(tracker) not in NOT_AN_ANSWER


# The form's question for each slot that may be asked once more (see `_not_answered_yet`).
QUESTIONS = {Slot.ROUTE: Response.ASK_ROUTE, Slot.SITUATION: Response.ASK_SITUATION}


def _times_asked(tracker: Tracker, slot: Text) -> int:
    """How often the bot has asked for `slot` since the conversation (re)started (Rasa names the
    response of each bot event in its metadata)."""
    asked = 0
    for event in reversed(tracker.events):
        if event.get("event") == "restart":
            break
        if event.get("event") == "bot" and (event.get("metadata") or {}).get(RESPONSE_OF_BOT_EVENT) == QUESTIONS[slot]:
            asked += 1
    return asked


def _not_answered_yet(tracker: Tracker, slot: Text, kind: Text) -> bool:
    """The answer names nothing of `kind` but tells of something else ("and i feel really dizzy"),
    and the question was asked only once: ask it again rather than guess "unknown". What was told
    is kept (the assessment re-reads every message); a second answer without one is "unknown"."""
    told = {f["kind"] for f in findings_of(tracker.latest_message) if f["assertion"] == "present"}
    return bool(told) and kind not in told and _times_asked(tracker, slot) < 2


def _mentions(tracker: Tracker, kind: Text) -> bool:
    return any(f["kind"] == kind and f["assertion"] == "present" for f in findings_of(tracker.latest_message))


def screen_answer(tracker: Tracker) -> Dict[Text, Any]:
    """The red-flag screen (assessment and check-in): yes, no, or unsure (a hedge such as "maybe").

    A red flag in free text never gets here: both NLU layers made it a `red_flag`, which the
    rules answer at once. More symptoms without a red flag count as "none of these".
    """
    if not _asked(tracker, Slot.EMERGENCY_SCREEN):
        return {}
    answer = SCREEN_ANSWERS.get(_intent(tracker) or "")
    if answer is None:
        answer = "no" if _mentions(tracker, Entity.SYMPTOM) else "unsure"
    return {Slot.EMERGENCY_SCREEN: answer}


class SafeFormValidation(FormValidationAction, ABC):
    """A form's validation that never swallows an emergency: a red flag (intent `red_flag`) is left
    to the rules, which interrupt the form; any other emergency gets the safety net's advice first.
    `after_answers` adds what a form needs once the new answers are in `tracker.slots`. Abstract, so
    the action server does not register it as an action of its own."""

    # The assessment ends once the emergency advice is given: its next question would read as if
    # the advice were still to come (its rule then runs action_assess_triage, which does not repeat it).
    ends_on_emergency = False

    @abstractmethod
    def name(self) -> Text: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        if _intent(tracker) == Intent.RED_FLAG:
            return await super().run(dispatcher, tracker, domain)
        events = emergency_if_needed(dispatcher, tracker)
        # super().run() also writes the new answers into tracker.slots, so the net can look again.
        answers = await super().run(dispatcher, tracker, domain)
        result = events + self.after_answers(dispatcher, tracker, bool(events), answers) + answers
        if self.ends_on_emergency and _advised_emergency(result):
            result.append(SlotSet(REQUESTED_SLOT, None))
        return result

    def after_answers(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, advised: bool, answers: List[Dict[Text, Any]]
    ) -> List[Dict[Text, Any]]:
        return []


def _advised_emergency(events: List[Dict[Text, Any]]) -> bool:
    return any(
        e.get("event") == "slot" and e.get("name") == Slot.TRIAGE_LEVEL and e.get("value") == Level.EMERGENCY
        for e in events
    )


class ValidateAssessmentForm(SafeFormValidation):
    ends_on_emergency = True

    def name(self) -> Text:
        return ActionName.VALIDATE_ASSESSMENT_FORM

    def after_answers(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, advised: bool, answers: List[Dict[Text, Any]]
    ) -> List[Dict[Text, Any]]:
        events: List[Dict[Text, Any]] = []
        if tracker.get_slot(Slot.CHECKIN_OFFERED):  # a new report: a later "yes" belongs to the form
            events.append(SlotSet(Slot.CHECKIN_OFFERED, False))
        changed = any(e.get("event") == "slot" and e.get("name") in (Slot.ROUTE, Slot.SITUATION) for e in answers)
        if changed and not advised:
            events += emergency_if_needed(dispatcher, tracker, answer_changed_slots=True)
        return events

    async def extract_route(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        # An answer that names no route ("not sure", "yes"): we cannot rule out a pump. More symptoms
        # instead of an answer get the question once more (exploratory test 2026-12-01: "and had a
        # few vodkas..." in reply to it ended in "we could not confirm it is not a pump").
        if _asked(tracker, Slot.ROUTE) and not _mentions(tracker, Entity.ROUTE):
            return {} if _not_answered_yet(tracker, Slot.ROUTE, Entity.ROUTE) else {Slot.ROUTE: "unknown"}
        # Both ("a pump and tablets too"): the slot mapping would take either; `route_named` decides
        # (the pump, so its rules and its screen question apply). One route is left to the mapping.
        findings = findings_of(tracker.latest_message)
        if len({f["id"] for f in findings if f["kind"] == Entity.ROUTE and f["assertion"] == "present"}) > 1:
            return {Slot.ROUTE: route_named(findings)}
        return {}

    async def extract_situation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if _asked(tracker, Slot.SITUATION) and not _mentions(tracker, Entity.EVENT):
            return {} if _not_answered_yet(tracker, Slot.SITUATION, Entity.EVENT) else {Slot.SITUATION: "unknown"}
        return {}

    async def extract_emergency_screen(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return screen_answer(tracker)

    async def extract_anything_else(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not _asked(tracker, Slot.ANYTHING_ELSE):
            return {}
        if _intent(tracker) == Intent.AFFIRM and not _mentions(tracker, Entity.SYMPTOM):
            return {}  # "yes": the rules ask them to describe it
        return {Slot.ANYTHING_ELSE: "reported" if _mentions(tracker, Entity.SYMPTOM) else "no"}
