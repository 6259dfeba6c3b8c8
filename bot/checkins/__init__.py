"""Follow-up check-ins and the summary for the doctor (issue #19).

`plan` (pure): when to offer a check-in and after how long, what a typed time means, which
check-ins of a conversation are still to come (read from its tracker events).
`summary` (pure): the dated summary of a conversation, built from its tracker events only.
`delivery` (Rasa glue): Rasa's own reminders (`ReminderScheduled`) delivered to the person's
channel, at most once across processes, and scheduled again after a restart.
"""
