"""How long a week's answer holds by the clock alone (plans.domain.horizon): between `now` and
holds_until(week, now) nothing the rules, the fixes or the missed flags say may change, so the
week API may serve (and name by one ETag) the answer computed at `now`."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from plans.domain.horizon import holds_until
from plans.domain.rules import evaluate_week
from plans.domain.types import AthleteSettings, AthleteWeek, LiftSession, RunSession
from plans.domain.weeks import week_bounds
from tests.plans.test_scheduling import athlete_weeks

UTC_ZONE = ZoneInfo("UTC")


def answer(week: AthleteWeek, now: datetime) -> tuple:
    violations = [
        (v.code, v.severity, v.message, v.session_ids, v.fix) for v in evaluate_week(week, now=now)
    ]
    missed = [s.is_missed(now) for s in (*week.runs, *week.lifts)]
    return violations, missed


@settings(max_examples=150, deadline=None)
@given(athlete_weeks(), st.integers(-3 * 24 * 60, 10 * 24 * 60), st.floats(0, 1))
def test_the_answer_holds_until_the_horizon(week, minutes, fraction):
    now = week.bounds[0] + timedelta(minutes=minutes, seconds=17)
    until = holds_until(week, now)
    assert until >= now
    if until == datetime.max.replace(tzinfo=UTC):
        later = now + timedelta(days=30 * fraction)
    else:
        later = now + (until - now) * fraction
        later = min(later, until - timedelta(microseconds=1))
    assert answer(week, later) == answer(week, now)


MONDAY = datetime(2026, 11, 30, tzinfo=UTC).date()
START = week_bounds(MONDAY, UTC_ZONE)[0]


def a_week(*sessions) -> AthleteWeek:
    runs = tuple(s for s in sessions if isinstance(s, RunSession))
    lifts = tuple(s for s in sessions if isinstance(s, LiftSession))
    return AthleteWeek(AthleteSettings(1, UTC_ZONE), MONDAY, runs, lifts)


def test_while_the_week_runs_an_answer_holds_to_the_next_minute_at_most():
    week = a_week(RunSession(1, "easy", START + timedelta(days=2), 60, "planned"))
    now = START + timedelta(days=1, seconds=30)
    assert holds_until(week, now) == START + timedelta(days=1, minutes=1)


def test_a_session_ending_first_ends_the_answer_at_its_planned_end():
    run = RunSession(1, "easy", START + timedelta(days=1, seconds=10), 1, "planned")
    now = START + timedelta(days=1, minutes=1, seconds=5)
    assert holds_until(a_week(run), now) == run.planned_end


def test_a_week_that_is_over_holds_for_ever():
    week = a_week(RunSession(1, "easy", START + timedelta(days=2), 60, "planned"))
    assert holds_until(week, START + timedelta(days=8)) == datetime.max.replace(tzinfo=UTC)


def test_on_the_minute_itself_the_answer_holds_for_that_instant_only():
    week = a_week()
    now = START + timedelta(days=1, minutes=5)
    assert holds_until(week, now) == now
