"""Loads through the database: every pound value with up to 2 decimals (and every kilogram
value with up to 2) is stored in exact kilograms and reads back as the same value, on SQLite
(whose NUMERIC keeps 15 significant digits: 13 are needed) as on PostgreSQL (numeric(13, 10));
and the pages cost the same queries in pounds as in kilograms."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from athletes.models import Athlete, Coach
from plans.domain.units import default_increment_kg, from_kg, to_kg
from tests.factories import LiftSessionFactory, LiftSetFactory
from tests.workouts import phone_data
from workouts.models import LiftSet

pytestmark = pytest.mark.django_db

POUNDS = st.integers(0, 132277).map(lambda hundredths: Decimal(hundredths).scaleb(-2))
KILOGRAMS = st.integers(0, 60000).map(lambda hundredths: Decimal(hundredths).scaleb(-2))
INCREMENT_POUNDS = st.integers(56, 5511).map(lambda hundredths: Decimal(hundredths).scaleb(-2))
DB_EXAMPLES = hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def lift(athlete):
    return LiftSessionFactory(athlete=athlete)


@DB_EXAMPLES
@given(pounds=POUNDS, kilograms=KILOGRAMS)
def test_a_load_round_trips_exactly_through_storage(lift, pounds, kilograms):
    LiftSet.objects.filter(session=lift).delete()
    stored = LiftSetFactory(
        session=lift,
        order=1,
        target_load_kg=to_kg(pounds, "lb"),
        reps=3,
        load_kg=kilograms,
    )
    read = LiftSet.objects.get(pk=stored.pk)
    assert read.target_load_kg == pounds * Decimal("0.45359237")
    assert from_kg(read.target_load_kg, "lb") == pounds
    assert read.load_kg == kilograms
    assert from_kg(read.load_kg, "kg") == kilograms


@DB_EXAMPLES
@given(pounds=INCREMENT_POUNDS)
def test_an_increment_in_pounds_round_trips_exactly(athlete, pounds):
    Athlete.objects.filter(pk=athlete.pk).update(load_increment_kg=to_kg(pounds, "lb"))
    read = Athlete.objects.get(pk=athlete.pk).load_increment_kg
    assert from_kg(read, "lb") == pounds
    assert read == to_kg(pounds, "lb")


def test_the_smallest_and_largest_loads_are_kept(lift):
    for value in (Decimal("0.0000000001"), Decimal("599.9999999999"), Decimal("600")):
        stored = LiftSetFactory(session=lift, order=LiftSet.objects.count() + 1)
        LiftSet.objects.filter(pk=stored.pk).update(target_load_kg=value)
        assert LiftSet.objects.get(pk=stored.pk).target_load_kg == value


# ---------------------------------------------------------------------------- query counts


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "page",
    ["week", "dashboard", "progress", "roster", "lift form", "phone lift", "history", "today"],
)
def test_pages_cost_the_same_queries_in_pounds(athlete, page):
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False):
        lift = phone_data.deadlift(athlete, start=datetime(2026, 12, 1, 16, tzinfo=UTC))
        coach, user = athlete.coach, athlete.user
        urls = {
            "week": (coach.user, reverse("plans:athlete_week", args=[athlete.pk, "2026-W49"])),
            "dashboard": (coach.user, reverse("plans:dashboard")),
            "progress": (coach.user, reverse("plans:progress", args=[athlete.pk])),
            "roster": (coach.user, reverse("athletes:roster")),
            "lift form": (
                coach.user,
                reverse("workouts:deadlift_edit", args=[athlete.pk, lift.pk]),
            ),
            "phone lift": (user, reverse("workouts:phone_lift", args=[lift.pk])),
            "history": (user, reverse("workouts:phone_history")),
            "today": (user, reverse("workouts:phone_today")),
        }
        who, url = urls[page]
        client = Client()
        client.force_login(who)
        queries(client, url)  # warm: stored verdicts, caches
        in_kg = queries(client, url)
        Coach.objects.filter(pk=coach.pk).update(units="lb")
        Athlete.objects.filter(pk=athlete.pk).update(
            units="lb", load_increment_kg=default_increment_kg("lb")
        )
        queries(client, url)  # the athlete's row changed: the stored verdicts are judged again
        in_lb = queries(client, url)
        assert in_lb == in_kg
        shown = client.get(url).content.decode()
        assert re.search(r"\blb\b", shown) or page in ("dashboard", "today", "history")
