from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from plan_templates.models import (
    ApplyBatch,
    PlanTemplate,
    TemplateApplication,
    TemplateRun,
    TemplateWeek,
)
from plans.models import PlanStatus, WeeklyPlan
from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
)
from workouts.models import RunKind

# Tuesday 1 December 2026: ISO week 2026-W49, in Berlin as in UTC.
WEEK = "2026-W49"
MONDAY = datetime(2026, 11, 30, tzinfo=UTC).date()


@pytest.fixture(autouse=True)
def fresh_throttles():
    # Throttle counters live in the cache; each test starts with none spent.
    cache.clear()
    yield
    cache.clear()


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        _, token = AuthToken.objects.create(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


class World:
    """Two coaches; the first with the athlete every URL is about and a second athlete."""

    def __init__(self):
        self.coach = CoachFactory()
        self.athlete = AthleteFactory(coach=self.coach)
        self.other_athlete = AthleteFactory(coach=self.coach)
        self.other_coach = CoachFactory()
        self.stranger = AthleteFactory(coach=self.other_coach)
        self.run = RunSessionFactory(
            athlete=self.athlete,
            kind=RunKind.INTERVAL,
            start=datetime(2026, 12, 1, 6, 0, tzinfo=UTC),
            distance_km=Decimal("10.5"),
        )
        self.lift = LiftSessionFactory(
            athlete=self.athlete, start=datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
        )
        # Two working sets: the week breaks "3 to 4 sets", so there is a fix to apply.
        self.sets = [
            LiftSetFactory(session=self.lift, order=1, target_load_kg=Decimal("100")),
            LiftSetFactory(session=self.lift, order=2, target_load_kg=Decimal("100")),
        ]
        publish(self.athlete)
        # The coach's plan template, applied once to the athlete by a batch that is done.
        self.template = make_template(self.coach)
        self.batch = ApplyBatch.objects.create(
            coach=self.coach,
            template=self.template,
            targets=[{"athlete": self.athlete.pk, "start_week": "2026-W50"}],
            status="done",
            athletes_total=1,
            athletes_done=1,
            result=[],
        )
        self.application = TemplateApplication.objects.create(
            template=self.template,
            athlete=self.athlete,
            start_week=MONDAY + timedelta(weeks=1),
            batch=self.batch,
        )

    def user(self, caller: str):
        return None if caller == "anonymous" else getattr(self, caller).user


def publish(athlete, monday=MONDAY):
    WeeklyPlan.objects.filter(athlete=athlete, week_start=monday).update(
        status=PlanStatus.PUBLISHED, published_at=datetime(2026, 11, 25, tzinfo=UTC)
    )


@pytest.fixture
def world(db):
    return World()


def make_template(coach, name="Winter block", weeks=2) -> PlanTemplate:
    """A template of `weeks` weeks, each with an interval run on Tuesday 07:00 and an easy run
    on Thursday 18:00 (local), and a 3 x 3 deadlift."""
    template = PlanTemplate.objects.create(coach=coach, name=name, weeks=weeks)
    for number in range(1, weeks + 1):
        week = TemplateWeek.objects.create(template=template, number=number)
        TemplateRun.objects.create(
            week=week, weekday=1, start_time=time(7), kind=RunKind.INTERVAL, duration_minutes=60
        )
        TemplateRun.objects.create(
            week=week,
            weekday=3,
            start_time=time(18),
            kind=RunKind.EASY,
            duration_minutes=45,
            distance_km=Decimal("8.5"),
        )
    return template
