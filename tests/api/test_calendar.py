"""The calendar feed: valid iCalendar of the published sessions, at a secret address."""

import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from tests.api.conftest import client_for
from tests.factories import LiftSetFactory, RunSessionFactory

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield


def _feed(client, athlete):
    return client.get(reverse("workouts:calendar_feed", args=[athlete.calendar_token]))


def test_the_feed_parses_and_matches_the_published_sessions(world, now, client):
    # A warm-up first: the working sets move up one.
    for lift_set in reversed(world.sets):
        lift_set.order += 1
        lift_set.save()
    LiftSetFactory(session=world.lift, order=1, is_warmup=True, target_reps=5,
                   target_load_kg=Decimal("40"), target_rir=None)  # fmt: skip
    RunSessionFactory(athlete=world.athlete, start=datetime(2026, 12, 8, 7, tzinfo=UTC))  # draft
    response = _feed(client, world.athlete)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    parsed = Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    assert set(events) == {f"run-{world.run.pk}@ironstride", f"lift-{world.lift.pk}@ironstride"}
    run = events[f"run-{world.run.pk}@ironstride"]
    # Both planned on Tuesday and nothing logged: missed by Wednesday noon.
    assert str(run["SUMMARY"]) == "Missed: Interval run"
    assert run.decoded("DTSTART") == world.run.start
    assert run.decoded("DTSTART").utcoffset().total_seconds() == 0
    assert run.decoded("DTEND") == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    lift = events[f"lift-{world.lift.pk}@ironstride"]
    assert str(lift["SUMMARY"]) == "Missed: Deadlift"
    assert str(lift["DESCRIPTION"]).splitlines() == [
        "Warm-up: 5 reps @ 40 kg",
        "Set 1: 3 reps @ 100 kg, RIR 1",
        "Set 2: 3 reps @ 100 kg, RIR 1",
    ]
    # Same UIDs on the next fetch: calendar apps update events rather than duplicate them.
    again = Calendar.from_ical(_feed(client, world.athlete).content)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)


def test_sessions_outside_the_last_4_and_next_8_weeks_are_left_out(world, now, client):
    for start in (datetime(2026, 10, 26, 7, tzinfo=UTC), datetime(2027, 2, 1, 7, tzinfo=UTC)):
        RunSessionFactory(athlete=world.athlete, start=start)
    WeeklyPlan = world.run.plan.__class__
    WeeklyPlan.objects.update(status="published", published_at=NOW)
    parsed = Calendar.from_ical(_feed(client, world.athlete).content)
    assert len(parsed.walk("VEVENT")) == 2


def test_a_wrong_or_rotated_token_is_404(world, client):
    assert client.get("/calendar/not-the-secret.ics").status_code == 404
    old = world.athlete.calendar_token
    response = client_for(world.athlete.user).post(
        reverse("api:athlete-calendar", args=[world.athlete.pk])
    )
    world.athlete.refresh_from_db()
    assert response.json()["url"].endswith(f"/calendar/{world.athlete.calendar_token}.ics")
    assert world.athlete.calendar_token != old and len(world.athlete.calendar_token) >= 43
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert _feed(client, world.athlete).status_code == 200


def test_a_deactivated_athletes_feed_stops(world, client):
    world.athlete.deactivate()
    assert _feed(client, world.athlete).status_code == 404


def test_the_coach_sees_the_address(world):
    response = client_for(world.coach.user).get(
        reverse("api:athlete-calendar", args=[world.athlete.pk])
    )
    assert response.json() == {
        "url": f"http://testserver/calendar/{world.athlete.calendar_token}.ics"
    }


@pytest.mark.parametrize("logger_name", ["django.server", "django.request", "django"])
def test_log_lines_never_carry_the_secret(logger_name):
    secret = "s3cr3t-token-value"
    record = logging.LogRecord(
        logger_name, logging.INFO, __file__, 1, '"%s" %s %s',
        (f"GET /calendar/{secret}.ics HTTP/1.1", 200, 512), None,
    )  # fmt: skip
    logger = logging.getLogger(logger_name)
    while not logger.handlers and logger.parent is not None:
        logger = logger.parent
    assert logger.handlers
    for handler in logger.handlers:
        assert handler.filter(record)
        assert secret not in handler.format(record)
        assert "/calendar/<secret>.ics" in handler.format(record)
