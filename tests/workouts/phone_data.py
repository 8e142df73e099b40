"""Sessions as the phone pages see them: in a published week unless a test says otherwise."""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from athletes.models import Athlete
from plans.models import PlanStatus, WeeklyPlan
from workouts.models import LiftSession, LiftSet, RunKind, RunSession

WORKING_REASON = "89.2 % of e1RM 112.5 kg"


def publish(session: LiftSession | RunSession) -> None:
    WeeklyPlan.objects.filter(pk=session.plan_id).update(
        status=PlanStatus.PUBLISHED, published_at=timezone.now()
    )


def deadlift(athlete: Athlete, *, start: datetime | None = None, published=True) -> LiftSession:
    """Three warm-ups and three working sets of 3 at 100 kg, RIR 1 (the default prescription)."""
    session = LiftSession.objects.create(athlete=athlete, start=start or timezone.now())
    rows = [
        LiftSet(
            session=session,
            order=order,
            is_warmup=True,
            target_reps=reps,
            target_load_kg=Decimal(load),
            target_load_reason=f"warm-up: {share} of 100 kg",
        )
        for order, (reps, load, share) in enumerate(
            [(5, "40", "40 %"), (3, "60", "60 %"), (2, "80", "80 %")], start=1
        )
    ]
    rows += [
        LiftSet(
            session=session,
            order=order,
            target_reps=3,
            target_load_kg=Decimal("100"),
            target_rir=1,
            target_load_reason=WORKING_REASON,
        )
        for order in (4, 5, 6)
    ]
    LiftSet.objects.bulk_create(rows)
    if published:
        publish(session)
    return session


def run(athlete: Athlete, *, start: datetime | None = None, published=True) -> RunSession:
    session = RunSession.objects.create(
        athlete=athlete,
        kind=RunKind.INTERVAL,
        start=start or timezone.now(),
        duration_minutes=50,
        distance_km=Decimal("9"),
    )
    if published:
        publish(session)
    return session
