"""The names of the domain's items (domain.yml) that the Python code uses, in one place.

Intents, slots, entities, responses, custom actions and triage levels are named here and nowhere
else in bot/ and actions/: tests/bot/test_names.py loads the domain and fails when a name below is
not in it (a rename in domain.yml must be made here too) or when the code spells one of them as
a string of its own. Plain `str` constants, so they go to Rasa and into JSON unchanged. The order
of the levels is `bot.triage.LEVELS`.
"""

from typing import Final


class Intent:
    """Intents of domain.yml, and `NLU_FALLBACK`, Rasa's own (FallbackClassifier)."""

    GREET: Final = "greet"
    GOODBYE: Final = "goodbye"
    AFFIRM: Final = "affirm"
    DENY: Final = "deny"
    UNSURE: Final = "unsure"
    RESTART: Final = "restart"
    ASK_CAPABILITIES: Final = "ask_capabilities"
    OUT_OF_SCOPE: Final = "out_of_scope"
    NLU_FALLBACK: Final = "nlu_fallback"
    REPORT_SYMPTOMS: Final = "report_symptoms"
    INFORM_ROUTE: Final = "inform_route"
    INFORM_SITUATION: Final = "inform_situation"
    # Questions about baclofen, answered from bot/knowledge/answers.yml (keyed by these names).
    ASK_WHAT_IS: Final = "ask_what_is"
    ASK_SIDE_EFFECTS: Final = "ask_side_effects"
    ASK_ADDICTION: Final = "ask_addiction"
    ASK_WITHDRAWAL: Final = "ask_withdrawal"
    ASK_ALCOHOL: Final = "ask_alcohol"
    ASK_TAPERING: Final = "ask_tapering"
    ASK_OVERDOSE: Final = "ask_overdose"
    ASK_PUMP: Final = "ask_pump"
    ASK_OTHER: Final = "ask_other"
    SCHEDULE_CHECKIN: Final = "schedule_checkin"
    CANCEL_CHECKIN: Final = "cancel_checkin"
    WHEN_NEXT_CHECKIN: Final = "when_next_checkin"
    REQUEST_SUMMARY: Final = "request_summary"
    # "The ambulance is here", "I've called 999": said after (or before) the emergency advice.
    HELP_ARRIVED: Final = "help_arrived"
    FEEL_BETTER: Final = "feel_better"
    FEEL_SAME: Final = "feel_same"
    FEEL_WORSE: Final = "feel_worse"
    # Triggered by Rasa when a check-in falls due (its reminder), never typed.
    EXTERNAL_CHECKIN: Final = "EXTERNAL_checkin"
    # Set by bot.nlu.red_flag_router.RedFlagRouter, never by the classifier.
    RED_FLAG: Final = "red_flag"


class Slot:
    """Slots of domain.yml, and `REQUESTED_SLOT`, Rasa's own (the slot a form asks for)."""

    ROUTE: Final = "route"
    SITUATION: Final = "situation"
    ANYTHING_ELSE: Final = "anything_else"
    EMERGENCY_SCREEN: Final = "emergency_screen"
    TRIAGE_LEVEL: Final = "triage_level"
    SYMPTOMS: Final = "symptoms"
    CHECKIN_OFFERED: Final = "checkin_offered"
    CHECKIN_SUGGESTED_HOURS: Final = "checkin_suggested_hours"
    CHECKIN_FEELING: Final = "checkin_feeling"
    REQUESTED_SLOT: Final = "requested_slot"


class Entity:
    """Entities of domain.yml. A finding's `kind` is the name of its entity (bot/nlu/entities.py)."""

    SYMPTOM: Final = "symptom"
    ROUTE: Final = "route"
    EVENT: Final = "event"
    CHECKIN_ID: Final = "checkin_id"


# The key of a bot event's metadata under which Rasa names the response it sent.
RESPONSE_OF_BOT_EVENT: Final = "utter_action"


class Level:
    """The triage levels (the `triage_level` slot's values; ordered in `bot.triage.LEVELS`), and
    `NONE`: how the tools report a turn without an assessment (`bot.triage.REPORTED_LEVELS`)."""

    SELF_CARE: Final = "self_care"
    ROUTINE: Final = "routine"
    URGENT: Final = "urgent"
    EMERGENCY: Final = "emergency"
    NONE: Final = "none"


class Response:
    """Responses of domain.yml that the code sends or reads."""

    NOTED_SYMPTOMS: Final = "utter_noted_symptoms"
    LEVEL_EMERGENCY: Final = "utter_level_emergency"
    REASONS: Final = "utter_reasons"
    CRISIS_LINE: Final = "utter_crisis_line"
    EMERGENCY_REMINDER: Final = "utter_emergency_reminder"
    HELP_ARRIVED: Final = "utter_help_arrived"
    HELP_ARRIVED_EARLY: Final = "utter_help_arrived_early"
    DISCLAIMER: Final = "utter_disclaimer"
    # The assessment form's questions (the clinicians' scenarios name them in `asks:`).
    ASK_ROUTE: Final = "utter_ask_route"
    ASK_SITUATION: Final = "utter_ask_situation"
    ASK_ANYTHING_ELSE: Final = "utter_ask_anything_else"
    ANYTHING_ELSE_TO_HELP: Final = "utter_anything_else_to_help"
    ASK_EMERGENCY_SCREEN: Final = "utter_ask_emergency_screen"
    ANSWER: Final = "utter_answer"
    DEFAULT: Final = "utter_default"
    # Sent by the channels' guard (bot/channels/guard.py) without the action server.
    SERVICE_TROUBLE: Final = "utter_service_trouble"
    STORE_TROUBLE: Final = "utter_store_trouble"
    UNREADABLE: Final = "utter_unreadable"
    TOO_FAST: Final = "utter_too_fast"
    MESSAGE_TOO_LONG: Final = "utter_message_too_long"
    # Check-ins and the summary.
    OFFER_CHECKIN: Final = "utter_offer_checkin"
    CHECKIN_SCHEDULED: Final = "utter_checkin_scheduled"
    CHECKIN_DECLINED: Final = "utter_checkin_declined"
    CHECKIN_CANCELLED: Final = "utter_checkin_cancelled"
    NEXT_CHECKIN: Final = "utter_next_checkin"
    NO_CHECKIN: Final = "utter_no_checkin"
    CHECKIN_NOT_AFTER_EMERGENCY: Final = "utter_checkin_not_after_emergency"
    CHECKIN_HELLO: Final = "utter_checkin_hello"
    CHECKIN_REASSESS: Final = "utter_checkin_reassess"
    CHECKIN_BETTER: Final = "utter_checkin_better"
    CHECKIN_SAME: Final = "utter_checkin_same"
    SUMMARY: Final = "utter_summary"
    SUMMARY_EMPTY: Final = "utter_summary_empty"

    @staticmethod
    def level(level: str) -> str:
        """The headline of a triage level: `utter_level_self_care` ... `utter_level_emergency`."""
        return f"utter_level_{level}"


class ActionName:
    """Custom actions of domain.yml (served by actions/). Not `Action`: that is rasa_sdk's class."""

    ASSESS_TRIAGE: Final = "action_assess_triage"
    ANSWER_QUESTION: Final = "action_answer_question"
    EMERGENCY_REMINDER: Final = "action_emergency_reminder"
    FALLBACK: Final = "action_fallback"
    NOTE_SYMPTOMS: Final = "action_note_symptoms"
    VALIDATE_ASSESSMENT_FORM: Final = "validate_assessment_form"
    SCHEDULE_CHECKIN: Final = "action_schedule_checkin"
    CANCEL_CHECKIN: Final = "action_cancel_checkin"
    NEXT_CHECKIN: Final = "action_next_checkin"
    DECLINE_CHECKIN: Final = "action_decline_checkin"
    START_CHECKIN: Final = "action_start_checkin"
    RECHECK: Final = "action_recheck"
    AFFIRM: Final = "action_affirm"
    CHECKIN_RESULT: Final = "action_checkin_result"
    VALIDATE_CHECKIN_FORM: Final = "validate_checkin_form"
    SUMMARY: Final = "action_summary"
