"""One athlete's fixed history for the export tests: a done run and a deadlift with warm-up and
working sets in 2026-W49 (published), a draft run in 2026-W50, read on Saturday 5 December."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
import time_machine
from django.utils import timezone

from athletes.models import Athlete, Coach
from plans.models import PlanStatus, WeeklyPlan
from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
    UserFactory,
)
from workouts.models import LiftSession, RunFile, RunKind, RunSession, SessionStatus

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@dataclass
class History:
    coach: Coach
    athlete: Athlete
    run: RunSession
    lift: LiftSession
    draft_run: RunSession


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def publish(athlete: Athlete, monday: str) -> None:
    WeeklyPlan.objects.filter(athlete=athlete, week_start=monday).update(
        status=PlanStatus.PUBLISHED, published_at=timezone.now(), coach_note="Easy week, Anna."
    )


def make_history(coach: Coach, username: str = "anna", last_name: str = "Berg") -> History:
    user = UserFactory(username=username, first_name="Anna", last_name=last_name)
    athlete = AthleteFactory(user=user, coach=coach, time_zone="Europe/Berlin")
    run = RunSessionFactory(
        athlete=athlete,
        kind=RunKind.INTERVAL,
        start=datetime(2026, 11, 30, 6, 0, tzinfo=UTC),  # Monday 07:00 in Berlin
        duration_minutes=60,
        status=SessionStatus.DONE,
        actual_start=datetime(2026, 11, 30, 6, 5, tzinfo=UTC),
        actual_duration_minutes=62,
        distance_km=Decimal("10.50"),
        notes="=1+1 felt strong",
    )
    RunFile.objects.create(
        athlete=athlete,
        run=run,
        sha256="a" * 64,
        filename="monday.fit",
        size_bytes=2048,
        format="fit",
        started_at=datetime(2026, 11, 30, 6, 5, tzinfo=UTC),
        elapsed_seconds=3720,
        distance_km=Decimal("10.50"),
        avg_heart_rate=151,
        unplanned=False,
        imported_at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
    )
    lift = LiftSessionFactory(
        athlete=athlete,
        start=datetime(2026, 11, 30, 16, 0, tzinfo=UTC),  # Monday 17:00 in Berlin
        duration_minutes=45,
    )
    LiftSetFactory(
        session=lift,
        order=1,
        is_warmup=True,
        target_reps=5,
        target_load_kg=Decimal("60"),
        target_rir=None,
    )
    LiftSetFactory(
        session=lift,
        order=2,
        target_reps=3,
        target_load_kg=Decimal("147.50"),
        target_rir=1,
        reps=3,
        load_kg=Decimal("147.50"),
        rir=2,
        logged_at=datetime(2026, 11, 30, 16, 20, tzinfo=UTC),
        client_id=uuid4(),
    )
    LiftSetFactory(
        session=lift, order=3, target_reps=3, target_load_kg=Decimal("147.50"), target_rir=1
    )
    draft_run = RunSessionFactory(
        athlete=athlete, kind=RunKind.EASY, start=datetime(2026, 12, 8, 6, 0, tzinfo=UTC)
    )
    publish(athlete, "2026-11-30")
    return History(coach, athlete, run, lift, draft_run)


@pytest.fixture
def history(db: None) -> History:
    return make_history(CoachFactory(user=UserFactory(username="carla")))
