from datetime import datetime, timezone

import pytest

from bot.checkins.plan import (
    CHECKIN_ENTITY,
    CHECKIN_INTENT,
    fired_name,
    hours_in,
    load_plan,
    new_name,
    pending,
    when_text,
)


def test_no_checkin_after_an_emergency_or_self_care():
    plan = load_plan()
    assert plan.suggestion("emergency", "pump", ["ran_out"]) is None
    assert plan.suggestion("self_care", "tablets", []) is None


@pytest.mark.parametrize(
    "level, route, events, hours",
    [
        ("urgent", "pump", ["pump_problem"], 1),  # a pump: within hours
        ("routine", "pump", [], 24),  # a side effect while the pump works as usual
        ("urgent", "tablets", ["stopped_abruptly"], 2),  # a sudden stop
        ("urgent", "tablets", ["ran_out"], 2),
        ("urgent", "tablets", ["took_too_much"], 4),
        ("routine", "tablets", ["tapering"], 24),
        ("routine", None, [], 24),
    ],
)
def test_the_suggested_time_depends_on_route_event_and_level(level, route, events, hours):
    rule = load_plan().suggestion(level, route, events)
    assert rule is not None and rule.hours == hours and rule.sources


def test_every_rule_cites_known_sources_and_the_suggestion_comes_first():
    plan = load_plan()
    assert plan.options(2)[0] == 2 and 2 not in plan.options(2)[1:]
    assert plan.clamp(0.01) == plan.min_minutes / 60 and plan.clamp(1000) == plan.max_hours


@pytest.mark.parametrize(
    "text, hours",
    [
        ("check on me in 2 hours", 2),
        ("check on me in an hour", 1),
        ("in two hours please", 2),
        ("30 min", 0.5),
        ("half an hour", 0.5),
        ("check on me tomorrow at about this time", 24),
        ("in 1.5 hrs", 1.5),
        ("in 3 days", 72),
        ("check on me later", None),
        ("yes", None),
    ],
)
def test_hours_in_typed_text(text, hours):
    assert hours_in(text) == hours


def test_when_text_round_trips_through_hours_in():
    for hours in (0.5, 1, 2, 4, 24, 48):
        assert hours_in(when_text(hours)) == hours


def _reminder(name, due="2026-12-01T10:00:00+00:00"):
    return {"event": "reminder", "name": name, "intent": CHECKIN_INTENT, "date_time": due, "entities": []}


def _fired(name):
    entities = [{"entity": CHECKIN_ENTITY, "value": name}]
    return {
        "event": "user",
        "text": "EXTERNAL: x",
        "parse_data": {"intent": {"name": CHECKIN_INTENT}, "entities": entities},
    }


def test_pending_follows_schedule_fire_cancel_and_restart():
    a, b = new_name(), new_name()
    assert a != b
    events = [_reminder(a), _reminder(b, "2026-12-01T09:00:00+00:00")]
    assert [p.name for p in pending(events)] == [b, a]  # soonest first
    assert pending(events)[0].due == datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    assert [p.name for p in pending([*events, _fired(a)])] == [b]
    assert [p.name for p in pending([*events, {"event": "cancel_reminder", "name": b}])] == [a]
    assert pending([*events, {"event": "restart"}]) == []
    assert pending([*events, {"event": "cancel_reminder", "intent": CHECKIN_INTENT}]) == []
    # another reminder (not a check-in) is not ours
    assert pending([{**_reminder("other"), "name": "other"}]) == []


def test_fired_name_only_for_the_checkin_intent():
    assert fired_name(_fired("checkin_x")) == "checkin_x"
    assert fired_name({"event": "user", "parse_data": {"intent": {"name": "greet"}}}) is None
    assert fired_name({"event": "bot"}) is None
