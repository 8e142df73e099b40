"""The demo's current week, as a coach finds it on any day: sessions behind (done, and some
missed), sessions to come, and "Schedule the roster's deadlifts" doing something sensible."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from athletes.models import Coach
from plans import services
from plans.domain.weeks import Week, week_bounds
from workouts.models import LiftSession, RunSession, SessionStatus

pytestmark = pytest.mark.django_db

# The coming week's days at 10:00 Berlin (09:00 UTC), and late on its Sunday; relative to the
# real date, so the logins a browser would keep are never in its past.
_today = datetime.now(UTC)
_MONDAY = (_today + timedelta(days=7 - _today.weekday())).replace(
    hour=9, minute=0, second=0, microsecond=0
)
CLOCKS = [_MONDAY + timedelta(days=day) for day in range(7)] + [
    _MONDAY + timedelta(days=6, hours=12)
]


def _missed(model, now: datetime) -> list:
    return [
        session
        for session in model.objects.filter(status=SessionStatus.PLANNED)
        if session.start + timedelta(minutes=session.duration_minutes) < now
    ]


@pytest.mark.parametrize("now", CLOCKS, ids=[f"{c:%a-%H%M}" for c in CLOCKS])
def test_the_demo_week_and_scheduling_it_on_any_day(now: datetime) -> None:
    with time_machine.travel(now, tick=False):
        call_command("seed_demo", stdout=StringIO())
        coach = Coach.objects.get()
        week = Week.of(now, coach.tz).monday

        missed_runs = _missed(RunSession, now)
        assert RunSession.objects.filter(start__gt=now).exists() or now.weekday() == 6
        if now > _MONDAY + timedelta(days=1):  # Kate's Monday run has ended
            assert [run.athlete.user.username for run in missed_runs] == ["kate"]
        before = {lift.pk: lift.start for lift in LiftSession.objects.all()}

        results = services.schedule_roster(coach=coach, week=week)
        by_name = {result.athlete.user.username: result for result in results}
        for result in results:
            if result.outcome in ("placed", "moved"):
                # Never into the past, never within the hour.
                assert result.start is not None and result.start >= now + timedelta(hours=1), result
            if result.outcome == "no_slot":
                assert result.reason, result
        for lift in LiftSession.objects.exclude(pk__in=[r.session_id for r in results]):
            # Every other deadlift of the week was an extra, and only history stays.
            start, end = week_bounds(week, lift.athlete.tz)
            if start <= lift.start < end:
                assert lift.status == SessionStatus.DONE or lift.start <= now, lift
        for lift in LiftSession.objects.filter(pk__in=before):
            if before[lift.pk] < now:
                # What already happened (or was missed and then moved) is not rewritten into
                # another past time.
                assert lift.start == before[lift.pk] or lift.start >= now + timedelta(hours=1)
        jonas = by_name["jonas"]
        assert jonas.session_id is not None
        jonas_lift = LiftSession.objects.get(pk=jonas.session_id)
        if before[jonas.session_id] + timedelta(hours=1) < now:
            # His deadlift was missed: moved ahead, or left where it was with the reason.
            assert jonas.outcome in ("moved", "no_slot"), jonas
            assert (jonas_lift.start > now) == (jonas.outcome == "moved")
        else:
            assert jonas.outcome == "unchanged" and jonas_lift.start == before[jonas.session_id]

        written = sorted(LiftSession.objects.values_list("pk", "start"))
        again = services.schedule_roster(coach=coach, week=week)
        assert {r.outcome for r in again} <= {"unchanged", "no_slot"}
        assert sorted(LiftSession.objects.values_list("pk", "start")) == written
