"""Adding and editing runs and the deadlift from the athlete week: input is read in the athlete's
time zone, bad input is refused with a reason, kept in the form, and writes nothing."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.factories import LiftSessionFactory, LiftSetFactory, RunSessionFactory
from workouts.models import LiftSession, LiftSet, RunKind, RunSession

pytestmark = pytest.mark.django_db

WEEK = date(2026, 11, 30)
WEEK_NAME = "2026-W49"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach.user)
    return client


def run_data(**overrides):
    data = {
        "kind": "interval",
        "start": "2026-12-01T07:00",
        "duration_minutes": "60",
        "distance_km": "10.5",
        "status": "planned",
        "notes": "",
    }
    return {**data, **overrides}


def sets_data(rows, initial=0, prefix="sets"):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "12",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def lift_data(rows, **overrides):
    data = {
        "exercise": "deadlift",
        "start": "2026-12-01T17:00",
        "duration_minutes": "60",
        "status": "planned",
        "notes": "",
    }
    return {**data, **overrides, **sets_data(rows)}


WORKING = {"target_reps": "3", "target_load_kg": "100", "target_rir": "1"}


def test_add_run_in_the_athletes_local_time(coach_client, athlete):
    url = reverse("workouts:run_add", args=[athlete.pk, WEEK_NAME])
    response = coach_client.post(url, run_data())
    assert response.status_code == 302
    run = RunSession.objects.get()
    assert run.start == datetime(2026, 12, 1, 7, tzinfo=BERLIN)
    assert run.kind == RunKind.INTERVAL
    assert run.distance_km == Decimal("10.5")
    assert run.plan.week_start == WEEK


@pytest.mark.parametrize(
    "overrides, field, words",
    [
        pytest.param({"start": "2026-12-07T07:00"}, "start", "in this week", id="next Monday"),
        pytest.param({"start": "2026-11-29T23:30"}, "start", "in this week", id="Sunday before"),
        pytest.param(
            {"distance_km": "-3"},
            "distance_km",
            "greater than or equal to 0",
            id="negative distance",
        ),
        pytest.param(
            {"duration_minutes": "0"},
            "duration_minutes",
            "greater than or equal to 1",
            id="zero duration",
        ),
        pytest.param({"kind": "sprint"}, "kind", "valid choice", id="unknown kind"),
        pytest.param({"start": "tomorrow"}, "start", "valid date", id="no date"),
    ],
)
def test_bad_run_input_writes_nothing(coach_client, athlete, overrides, field, words):
    url = reverse("workouts:run_add", args=[athlete.pk, WEEK_NAME])
    response = coach_client.post(url, run_data(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(words in error for error in errors), errors
    assert RunSession.objects.count() == 0
    # The form keeps the coach's input.
    assert 'value="10.5"' in response.content.decode() or field == "distance_km"


def test_edit_run_shows_local_time_and_saves(coach_client, athlete):
    run = RunSessionFactory(athlete=athlete, start=datetime(2026, 12, 1, 6, tzinfo=ZoneInfo("UTC")))
    url = reverse("workouts:run_edit", args=[athlete.pk, run.pk])
    response = coach_client.get(url)
    assert 'value="2026-12-01T07:00"' in response.content.decode()  # Berlin is UTC+1
    response = coach_client.post(url, run_data(start="2026-12-02T08:15", kind="easy"))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.start == datetime(2026, 12, 2, 8, 15, tzinfo=BERLIN)
    assert run.kind == "easy"


def test_delete_run(coach_client, athlete):
    run = RunSessionFactory(athlete=athlete, start=datetime(2026, 12, 1, 6, tzinfo=BERLIN))
    response = coach_client.post(reverse("workouts:run_delete", args=[athlete.pk, run.pk]))
    assert response.status_code == 302
    assert not RunSession.objects.exists()


def test_add_deadlift_with_sets(coach_client, athlete):
    url = reverse("workouts:deadlift_add", args=[athlete.pk, WEEK_NAME])
    rows = [{"is_warmup": "on", "target_reps": "5", "target_load_kg": "40"}, WORKING, WORKING]
    response = coach_client.post(url, lift_data(rows))
    assert response.status_code == 302, response.context and response.context["sets"].errors
    lift = LiftSession.objects.get()
    assert lift.start == datetime(2026, 12, 1, 17, tzinfo=BERLIN)
    assert [(s.order, s.is_warmup, s.target_reps) for s in lift.sets.all()] == [
        (1, True, 5),
        (2, False, 3),
        (3, False, 3),
    ]


@pytest.mark.parametrize(
    "row, field, words",
    [
        pytest.param(
            {**WORKING, "target_reps": "0"},
            "target_reps",
            "greater than or equal to 1",
            id="reps 0",
        ),
        pytest.param(
            {**WORKING, "target_reps": "101"},
            "target_reps",
            "less than or equal to 100",
            id="reps 101",
        ),
        pytest.param(
            {**WORKING, "target_load_kg": "-5"},
            "target_load_kg",
            "greater than",
            id="negative load",
        ),
        pytest.param(
            {**WORKING, "target_rir": "11"}, "target_rir", "less than or equal to 10", id="RIR 11"
        ),
        pytest.param(
            {"target_load_kg": "100"}, "target_reps", "Give the set its reps", id="no reps"
        ),
    ],
)
def test_bad_set_input_writes_nothing(coach_client, athlete, row, field, words):
    url = reverse("workouts:deadlift_add", args=[athlete.pk, WEEK_NAME])
    response = coach_client.post(url, lift_data([WORKING, row]))
    assert response.status_code == 400
    errors = response.context["sets"].forms[1].errors[field]
    assert any(words in error for error in errors), errors
    assert LiftSession.objects.count() == 0
    assert LiftSet.objects.count() == 0


def test_deadlift_outside_the_week_is_refused(coach_client, athlete):
    url = reverse("workouts:deadlift_add", args=[athlete.pk, WEEK_NAME])
    response = coach_client.post(url, lift_data([WORKING], start="2026-12-08T17:00"))
    assert response.status_code == 400
    assert "start" in response.context["form"].errors
    assert LiftSession.objects.count() == 0
    assert 'value="2026-12-08T17:00"' in response.content.decode()


def test_edit_deadlift_changes_a_set_adds_one_and_deletes_one(coach_client, athlete):
    lift = LiftSessionFactory(athlete=athlete, start=datetime(2026, 12, 1, 17, tzinfo=BERLIN))
    first = LiftSetFactory(session=lift, order=1)
    second = LiftSetFactory(session=lift, order=2)
    url = reverse("workouts:deadlift_edit", args=[athlete.pk, lift.pk])
    assert coach_client.get(url).status_code == 200
    rows = [
        {"id": str(first.pk), **WORKING, "target_reps": "4"},
        {"id": str(second.pk), **WORKING, "DELETE": "on"},
        WORKING,
    ]
    data = {**lift_data([]), **sets_data(rows, initial=2)}
    response = coach_client.post(url, data)
    assert response.status_code == 302
    sets = list(lift.sets.order_by("order"))
    assert [(s.pk == first.pk, s.target_reps) for s in sets] == [(True, 4), (False, 3)]
    assert sets[1].order == 2
    assert sets[1].target_load_kg == Decimal("100")


def test_delete_deadlift(coach_client, athlete):
    lift = LiftSessionFactory(athlete=athlete, start=datetime(2026, 12, 1, 17, tzinfo=BERLIN))
    LiftSetFactory(session=lift, order=1)
    response = coach_client.post(reverse("workouts:deadlift_delete", args=[athlete.pk, lift.pk]))
    assert response.status_code == 302
    assert not LiftSession.objects.exists()
    assert not LiftSet.objects.exists()


def test_week_after_adding_an_interval_next_to_the_deadlift_is_flagged(coach_client, athlete):
    LiftSessionFactory(athlete=athlete, start=datetime(2026, 12, 1, 17, tzinfo=BERLIN))
    url = reverse("workouts:run_add", args=[athlete.pk, WEEK_NAME])
    coach_client.post(url, run_data(start="2026-12-01T21:00"))
    response = coach_client.get(reverse("plans:athlete_week", args=[athlete.pk, WEEK_NAME]))
    assert b"deadlift.too_close_to_intervals" in response.content
