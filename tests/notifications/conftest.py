from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from athletes.models import Athlete
from plans import services as plan_services
from tests.factories import AthleteFactory, LiftSessionFactory, LiftSetFactory, RunSessionFactory
from workouts.models import LiftSession, RunKind

# Wednesday 2 December 2026, noon UTC; 2026-W50 starts Monday 7 December.
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
W50 = date(2026, 12, 7)


@pytest.fixture
def at_now() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def athlete_with_week(coach: object, *, name: str = "Ada", zone: str = "Europe/Berlin") -> Athlete:
    """An athlete with an email address and a draft 2026-W50: an interval run on Tuesday and
    the deadlift that evening with its warm-ups and three working sets."""
    athlete = AthleteFactory(coach=coach, time_zone=zone)
    athlete.user.first_name = name
    athlete.user.email = f"{athlete.user.username}@example.com"
    athlete.user.save()
    RunSessionFactory(
        athlete=athlete, kind=RunKind.INTERVAL, start=datetime(2026, 12, 8, 6, 0, tzinfo=UTC)
    )
    lift = LiftSessionFactory(athlete=athlete, start=datetime(2026, 12, 8, 17, 0, tzinfo=UTC))
    add_sets(lift)
    return athlete


def add_sets(lift: LiftSession) -> None:
    for order, (reps, load) in enumerate([(5, "60"), (3, "90"), (2, "120")], start=1):
        LiftSetFactory(
            session=lift, order=order, is_warmup=True, target_reps=reps,
            target_load_kg=Decimal(load), target_rir=None,
        )  # fmt: skip
    for order in (4, 5, 6):
        LiftSetFactory(session=lift, order=order, target_reps=3, target_load_kg=Decimal("150"))


def publish(athletes: list[Athlete], monday: date = W50) -> int:
    return plan_services.publish_week(athletes=athletes, week=monday)


def later(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)
