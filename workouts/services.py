"""Plain writes on sessions that involve no rule of the plans engine."""

from datetime import date, datetime, timedelta

from django.db import transaction

from athletes.models import Athlete
from plans.domain.weeks import week_bounds
from workouts.models import RunSession, SessionStatus


def _same_local_time_a_week_later(moment: datetime, athlete: Athlete) -> datetime:
    # Same weekday and wall-clock time in the athlete's zone, so a DST change in between
    # keeps the 07:00 run at 07:00.
    local = moment.astimezone(athlete.tz)
    return (local.replace(tzinfo=None) + timedelta(days=7)).replace(tzinfo=athlete.tz)


def copy_runs_from_previous_week(*, athlete: Athlete, week: date) -> int:
    """Copy last week's runs into `week` as planned runs; returns how many were created.

    Runs already present (same kind at the same start) are not copied again, so a second
    click changes nothing."""
    previous_start, previous_end = week_bounds(week - timedelta(days=7), athlete.tz)
    start, end = week_bounds(week, athlete.tz)
    with transaction.atomic():
        existing = set(
            RunSession.objects.filter(athlete=athlete, start__gte=start, start__lt=end).values_list(
                "kind", "start"
            )
        )
        created = 0
        for run in RunSession.objects.filter(
            athlete=athlete, start__gte=previous_start, start__lt=previous_end
        ).order_by("start"):
            new_start = _same_local_time_a_week_later(run.start, athlete)
            if (run.kind, new_start) in existing:
                continue
            RunSession(
                athlete=athlete,
                kind=run.kind,
                start=new_start,
                duration_minutes=run.duration_minutes,
                distance_km=run.distance_km,
                notes=run.notes,
                status=SessionStatus.PLANNED,
            ).save()
            existing.add((run.kind, new_start))
            created += 1
    return created
