"""Every rule of sane data is enforced by the database itself: these writes bypass forms and
model validation (queryset.update / bulk_create) and must be refused by a constraint."""

import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from athletes.models import Athlete
from plans.models import PlanStatus, WeeklyPlan
from tests.factories import (
    AthleteFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
    login_request,
)
from workouts.models import LiftSet, RunSession

pytestmark = pytest.mark.django_db


def refused(queryset, **values) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    ("values", "is_refused"),
    [
        pytest.param(
            {"training_window_start": time(21), "training_window_end": time(6)},
            True,
            id="window ends before it starts",
        ),
        pytest.param(
            {"training_window_start": time(9), "training_window_end": time(9)},
            True,
            id="empty window",
        ),
        pytest.param(
            {"training_window_start": time(8, 59), "training_window_end": time(9)},
            False,
            id="one-minute window",
        ),
        pytest.param({"load_increment_kg": Decimal("0")}, True, id="zero load increment"),
        pytest.param({"load_increment_kg": Decimal("0.25")}, False, id="smallest load increment"),
        pytest.param({"load_increment_kg": Decimal("25.01")}, True, id="huge load increment"),
        pytest.param({"time_zone": ""}, True, id="no time zone"),
    ],
)
def test_athlete_constraints(values, is_refused):
    athlete = AthleteFactory()
    assert refused(Athlete.objects.filter(pk=athlete.pk), **values) is is_refused


@pytest.mark.parametrize(
    ("values", "is_refused"),
    [
        pytest.param({"duration_minutes": 0}, True, id="zero duration"),
        pytest.param({"duration_minutes": 1}, False, id="one minute"),
        pytest.param({"duration_minutes": 24 * 60 + 1}, True, id="more than a day"),
        pytest.param({"actual_duration_minutes": 0}, True, id="zero actual duration"),
        pytest.param({"distance_km": Decimal("-0.01")}, True, id="negative distance"),
        pytest.param({"distance_km": Decimal("0")}, False, id="zero distance"),
        pytest.param({"kind": "sprint"}, True, id="unknown kind"),
        pytest.param({"status": "maybe"}, True, id="unknown status"),
    ],
)
def test_run_session_constraints(values, is_refused):
    run = RunSessionFactory()
    assert refused(RunSession.objects.filter(pk=run.pk), **values) is is_refused


@pytest.mark.parametrize(
    ("values", "is_refused"),
    [
        pytest.param({"reps": 0}, True, id="reps 0"),
        pytest.param({"reps": 1}, False, id="reps 1"),
        pytest.param({"reps": 100}, False, id="reps 100"),
        pytest.param({"reps": 101}, True, id="reps 101"),
        pytest.param({"target_reps": 0}, True, id="target reps 0"),
        pytest.param({"target_reps": 101}, True, id="target reps 101"),
        pytest.param({"reps": 3, "load_kg": Decimal("-0.5")}, True, id="negative load"),
        pytest.param({"reps": 3, "load_kg": Decimal("600")}, False, id="load 600"),
        pytest.param({"reps": 3, "load_kg": Decimal("600.5")}, True, id="load 600.5"),
        pytest.param({"target_load_kg": Decimal("-1")}, True, id="negative target load"),
        pytest.param({"reps": 3, "rir": 10}, False, id="rir 10"),
        pytest.param({"reps": 3, "rir": 11}, True, id="rir 11"),
        pytest.param({"target_rir": 11}, True, id="target rir 11"),
        pytest.param({"order": 0}, True, id="order 0"),
        pytest.param({"load_kg": Decimal("100")}, True, id="load logged without reps"),
        pytest.param({"client_id": uuid.uuid4()}, True, id="client_id on a set not logged"),
        pytest.param({"client_id": uuid.uuid4(), "reps": 3}, False, id="client_id on a logged set"),
    ],
)
def test_lift_set_constraints(values, is_refused):
    lift_set = LiftSetFactory()
    assert refused(LiftSet.objects.filter(pk=lift_set.pk), **values) is is_refused


def test_set_order_is_unique_within_a_session():
    lift_set = LiftSetFactory(order=1)
    LiftSetFactory(order=1)  # another session may use the same order
    with pytest.raises(IntegrityError), transaction.atomic():
        LiftSet.objects.bulk_create([LiftSet(session=lift_set.session, order=1)])


def test_client_id_is_unique_when_set_and_may_stay_empty():
    client_id = uuid.uuid4()
    first = LiftSetFactory(client_id=client_id, reps=3)
    LiftSetFactory(client_id=None)
    LiftSetFactory(client_id=None)  # many unlogged sets, no clash
    with pytest.raises(IntegrityError), transaction.atomic():
        LiftSet.objects.bulk_create(
            [LiftSet(session=first.session, order=99, client_id=client_id, reps=3)]
        )


def test_one_plan_per_athlete_and_week():
    athlete = AthleteFactory()
    WeeklyPlan.objects.create(athlete=athlete, week_start=date(2026, 11, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyPlan.objects.bulk_create([WeeklyPlan(athlete=athlete, week_start=date(2026, 11, 30))])


@pytest.mark.parametrize(
    ("values", "is_refused"),
    [
        pytest.param({"week_start": date(2026, 12, 1)}, True, id="a Tuesday"),
        pytest.param({"week_start": date(2026, 12, 7)}, False, id="a Monday"),
        pytest.param({"status": PlanStatus.PUBLISHED}, True, id="published without a time"),
        pytest.param(
            {"status": PlanStatus.PUBLISHED, "published_at": datetime(2026, 11, 29, tzinfo=UTC)},
            False,
            id="published with a time",
        ),
        pytest.param({"status": "archived"}, True, id="unknown status"),
    ],
)
def test_weekly_plan_constraints(values, is_refused):
    plan = WeeklyPlan.objects.create(athlete=AthleteFactory(), week_start=date(2026, 11, 30))
    assert refused(WeeklyPlan.objects.filter(pk=plan.pk), **values) is is_refused


def test_a_session_joins_the_plan_of_its_local_week():
    athlete = AthleteFactory(time_zone="Pacific/Auckland")
    # Sunday 2026-11-29 12:30 UTC is already Monday 2026-11-30 01:30 in Auckland.
    run = RunSessionFactory(athlete=athlete, start=datetime(2026, 11, 29, 12, 30, tzinfo=UTC))
    assert run.plan.week_start == date(2026, 11, 30)
    assert run.plan.status == PlanStatus.DRAFT
    lift = LiftSessionFactory(athlete=athlete, start=datetime(2026, 11, 29, 10, 0, tzinfo=UTC))
    assert lift.plan.week_start == date(2026, 11, 23)
    run.start = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    run.save()
    assert run.plan == lift.plan


def test_deactivating_an_athlete_blocks_their_login(client):
    athlete = AthleteFactory()
    athlete.deactivate()
    athlete.refresh_from_db()
    athlete.user.refresh_from_db()
    assert athlete.is_active is False
    assert athlete.user.is_active is False
    assert (
        client.login(
            request=login_request(),
            username=athlete.user.username,
            password="correct-horse-battery",
        )
        is False
    )
