"""Confidences that the NLU components and the actions both rely on (kept here, away from Rasa's
imports: the action server would take eight seconds longer to start importing a component)."""

# The classifier also gives `help_arrived` ("the paramedics are here") middling scores to plain
# reports and questions ("she is lying there" 0.58, "is 100mg a day the maximum?" 0.6): only a
# confident one is taken for help that has come (bot/nlu/red_flag_router.py,
# actions/action_emergency_reminder.py).
HELP_CONFIDENCE = 0.8
