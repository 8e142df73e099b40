"""Every list page runs a fixed number of queries, whatever the number of rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
)
from tests.plans.test_services import local
from workouts.models import RunKind, SessionStatus

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def busy_weeks(athlete, weeks: int) -> None:
    for week in range(weeks):
        shift = timedelta(weeks=-week)
        RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(1, 7) + shift)
        RunSessionFactory(athlete=athlete, kind=RunKind.EASY, start=local(3, 7) + shift)
        lift = LiftSessionFactory(
            athlete=athlete, start=local(1, 18) + shift, status=SessionStatus.DONE
        )
        for order in (1, 2, 3, 4):
            LiftSetFactory(session=lift, order=order, reps=3, load_kg=100, rir=1)


def test_roster_page_queries_do_not_grow_with_the_roster(client):
    counts = []
    for size in (5, 50):
        coach = CoachFactory()
        for _ in range(size):
            AthleteFactory(coach=coach)
        client.force_login(coach.user)
        counts.append(queries(client, reverse("athletes:roster")))
    assert counts[0] == counts[1]


def test_athlete_week_queries_do_not_grow_with_its_sessions(client):
    coach = CoachFactory()
    counts = []
    for extra_runs in (1, 20):
        athlete = AthleteFactory(coach=coach)
        busy_weeks(athlete, 1)
        for n in range(extra_runs):
            RunSessionFactory(athlete=athlete, start=local(n % 7, 6, 15))
        client.force_login(coach.user)
        url = reverse("plans:athlete_week", args=[athlete.pk, "2026-W49"])
        counts.append(queries(client, url))
    assert counts[0] == counts[1]


def test_progress_queries_do_not_grow_with_the_history(client):
    coach = CoachFactory()
    counts = []
    for weeks in (2, 12):
        athlete = AthleteFactory(coach=coach)
        busy_weeks(athlete, weeks)
        client.force_login(coach.user)
        counts.append(queries(client, reverse("plans:progress", args=[athlete.pk])))
    assert counts[0] == counts[1]
