"""The read model of an athlete's week (plans.selectors): what each detail level reads, for the
caller that uses it, in how many queries, and that its one mapper gives the domain what the
rows hold."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from athletes.models import Athlete
from plans import selectors
from plans.domain import compliance
from plans.domain import types as domain
from plans.models import AthleteRevision, PlanStatus, WeeklyPlan
from plans.selectors import Detail, read_head, read_span, read_week, read_weeks
from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
)
from workouts.models import Exercise, LiftSession, RunKind, RunSession, SessionStatus

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)
START = datetime(2026, 11, 30, tzinfo=UTC)


def at(day: int, hour: int) -> datetime:
    return START + timedelta(days=day, hours=hour)


def busy(athlete: Athlete) -> dict[str, Any]:
    """A week with its neighbours and its history, in UTC: what each level may read."""
    made = {
        "neighbour_run": RunSessionFactory(
            athlete=athlete, kind=RunKind.INTERVAL, start=at(-1, 20)
        ),
        "far_run": RunSessionFactory(athlete=athlete, start=at(-3, 7)),
        "run": RunSessionFactory(
            athlete=athlete, kind=RunKind.TEMPO, start=at(1, 7), distance_km=Decimal("9.5")
        ),
        "neighbour_lift": LiftSessionFactory(athlete=athlete, start=at(-1, 18)),
        "lift": LiftSessionFactory(athlete=athlete, start=at(2, 18), notes="Chalk."),
        "history": LiftSessionFactory(
            athlete=athlete, start=at(-10, 17), status=SessionStatus.DONE
        ),
    }
    LiftSetFactory(session=made["lift"], order=2, target_reps=3, target_load_kg=Decimal("100"))
    LiftSetFactory(session=made["lift"], order=1, is_warmup=True, target_reps=5)
    LiftSetFactory(session=made["history"], order=1, reps=3, load_kg=Decimal("150"), rir=1)
    WeeklyPlan.objects.update_or_create(
        athlete=athlete,
        week_start=MONDAY,
        defaults={"status": PlanStatus.PUBLISHED, "published_at": START},
    )
    return made


@pytest.fixture
def athlete():
    return AthleteFactory(time_zone="UTC")


def ids(sessions) -> set[int]:
    return {session.id for session in sessions}


def test_judge_reads_the_runs_within_reach_and_the_weeks_own_lifts(athlete):
    # For the dashboard (services.judge_athletes): the rules without fixes, and the tally.
    made = busy(athlete)
    loaded = read_week(athlete, MONDAY, detail=Detail.JUDGE)
    assert ids(loaded.week.runs) == {made["neighbour_run"].pk, made["run"].pk}
    assert ids(loaded.week.lifts) == {made["lift"].pk}
    assert loaded.e1rm is None
    assert loaded.plan is not None and loaded.plan.status == PlanStatus.PUBLISHED
    assert loaded.tally == selectors.Tally(0, 2, (at(1, 8), at(2, 19)))


def test_show_reads_every_session_within_reach_with_its_sets(athlete):
    # For the roster's violations with fixes (services.evaluate_roster): the scheduler reads
    # the neighbours' lifts too.
    made = busy(athlete)
    loaded = read_week(athlete, MONDAY, detail=Detail.SHOW)
    assert ids(loaded.week.lifts) == {made["neighbour_lift"].pk, made["lift"].pk}
    assert loaded.e1rm is None
    (lift,) = [lift for lift in loaded.week.lifts if lift.id == made["lift"].pk]
    assert [(s.order, s.is_warmup, s.target_reps) for s in lift.sets] == [
        (1, True, 5),
        (2, False, 3),
    ]


def test_full_adds_the_e1rm_of_the_history_without_its_sessions(athlete):
    # For the week page, the week API, scheduling and fixes.
    made = busy(athlete)
    loaded = read_week(athlete, MONDAY, detail=Detail.FULL)
    assert loaded.e1rm is not None and loaded.e1rm.kg == Decimal("168.2")
    assert made["history"].pk not in ids(loaded.week.lifts)
    assert ids(loaded.week.lifts) == {made["neighbour_lift"].pk, made["lift"].pk}
    # The rows shown are the week's own, with the API's fields, in start order.
    assert [row["id"] for row in loaded.runs] == [made["run"].pk]
    assert [row["id"] for row in loaded.lifts] == [made["lift"].pk]
    assert loaded.runs[0]["distance_km"] == Decimal("9.5")
    assert loaded.lifts[0]["notes"] == "Chalk."
    assert [s["order"] for s in loaded.lifts[0]["sets"]] == [1, 2]


def test_e1rm_reads_only_the_history(athlete):
    # For the athletes list (current_e1rms).
    busy(athlete)
    loaded = read_weeks([athlete], MONDAY, detail=Detail.E1RM)[athlete.pk]
    assert loaded.e1rm is not None and loaded.e1rm.kg == Decimal("168.2")
    assert loaded.week.runs == () and loaded.week.lifts == ()
    assert loaded.plan is None


@pytest.mark.parametrize(
    ("detail", "queries"),
    [(Detail.JUDGE, 4), (Detail.SHOW, 4), (Detail.FULL, 4), (Detail.E1RM, 2)],
)
@pytest.mark.parametrize("size", [2, 12])
def test_every_level_reads_a_roster_in_a_fixed_number_of_queries(
    detail, queries, size, django_assert_num_queries
):
    # The plans, the runs, the lifts, their sets (E1RM: the lifts and their sets).
    coach = CoachFactory()
    zones = ["UTC", "Europe/Berlin", "America/New_York"]
    athletes = [AthleteFactory(coach=coach, time_zone=zones[n % 3]) for n in range(size)]
    for athlete in athletes:
        busy(athlete)
    with django_assert_num_queries(queries):
        loaded = read_weeks(athletes, MONDAY, detail=detail)
    assert set(loaded) == {athlete.pk for athlete in athletes}


def test_the_mapper_gives_the_domain_what_the_rows_hold(athlete):
    made = busy(athlete)
    RunSession.objects.filter(pk=made["run"].pk).update(
        status=SessionStatus.DONE, actual_start=at(1, 8), actual_duration_minutes=42
    )
    loaded = read_week(athlete, MONDAY, detail=Detail.FULL)
    run = RunSession.objects.get(pk=made["run"].pk)
    assert (
        domain.RunSession(
            run.pk,
            run.kind,
            run.start,
            run.duration_minutes,
            run.status,
            run.actual_start,
            run.actual_duration_minutes,
        )
        in loaded.week.runs
    )
    lift = LiftSession.objects.get(pk=made["lift"].pk)
    (read,) = [s for s in loaded.week.lifts if s.id == lift.pk]
    assert (read.exercise, read.start, read.duration_minutes) == (
        Exercise.DEADLIFT,
        lift.start,
        lift.duration_minutes,
    )
    assert [s.id for s in read.sets] == list(
        lift.sets.order_by("order").values_list("pk", flat=True)
    )


def test_the_head_is_one_query_and_scoped(athlete, django_assert_num_queries):
    busy(athlete)
    with django_assert_num_queries(1):
        head = read_head({"coach_id": athlete.coach_id}, athlete.pk)
    assert head is not None and head.athlete == athlete
    assert head.revision == AthleteRevision.objects.get(athlete=athlete).revision
    assert read_head({"coach_id": athlete.coach_id + 1}, athlete.pk) is None
    assert read_head({"user_id": athlete.user_id}, athlete.pk) is not None
    assert read_head(None, athlete.pk) is None
    assert read_head({"coach_id": athlete.coach_id}, athlete.pk + 1) is None


def test_the_head_reads_the_athlete_whole_as_the_orm_does(athlete):
    """Every field, with the ORM's converters (a decimal on SQLite, an aware datetime): a miss
    reads and judges the week from this athlete, with no query for a deferred field."""
    athlete.load_increment_kg = Decimal("1.25")
    athlete.save()
    head = read_head({}, athlete.pk)
    assert head is not None
    expected = Athlete.objects.get(pk=athlete.pk)
    assert head.athlete.get_deferred_fields() == set()
    for field in Athlete._meta.concrete_fields:
        mine, theirs = getattr(head.athlete, field.attname), getattr(expected, field.attname)
        assert (type(mine), mine) == (type(theirs), theirs), field.name


def test_an_athlete_without_a_revision_row_has_no_revision(athlete):
    AthleteRevision.objects.filter(athlete=athlete).delete()
    head = read_head({}, athlete.pk)
    assert head is not None and head.revision is None


def test_a_span_of_weeks_for_the_progress_page(athlete, django_assert_num_queries):
    made = busy(athlete)
    with django_assert_num_queries(4):
        weeks = read_span(athlete, MONDAY - timedelta(weeks=2), MONDAY)
    plans = [w.plan for w in weeks]
    assert all(plan is not None for plan in plans)
    assert [plan.week_start for plan in plans if plan] == [w.monday for w in weeks]
    assert [plan.is_published for plan in plans if plan] == [False, False, True]
    assert [w.monday for w in weeks] == [MONDAY - timedelta(weeks=n) for n in (2, 1, 0)]
    assert ids(weeks[0].week.lifts) == {made["history"].pk}
    assert ids(weeks[1].week.lifts) == {made["neighbour_lift"].pk}
    assert ids(weeks[2].week.runs) == {made["run"].pk}
    best = selectors.best_e1rm(weeks[0].lifts, *weeks[0].bounds)
    assert best is not None and best.kg == Decimal("168.2")
    assert selectors.best_e1rm(weeks[1].lifts, *weeks[1].bounds) is None


def test_a_week_that_does_not_start_on_a_monday_is_refused(athlete):
    with pytest.raises(selectors.ServiceError, match="not one"):
        read_week(athlete, MONDAY + timedelta(days=1))


@given(
    shares=st.lists(st.integers(min_value=0, max_value=10_000), min_size=6, max_size=6),
    until=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.timezones()
    ),
)
# In the fold of a clock change (both readings of 01:00 as Adak went back an hour) and in its
# gap (02:30 as Berlin went forward): instants that compare unequal across zones.
@example(shares=[1] * 6, until=datetime(2010, 11, 7, 1, 0, tzinfo=ZoneInfo("America/Adak")))
@example(shares=[1] * 6, until=datetime(2010, 11, 7, 1, 0, fold=1, tzinfo=ZoneInfo("America/Adak")))
@example(shares=[1] * 6, until=datetime(2026, 3, 29, 2, 30, tzinfo=ZoneInfo("Europe/Berlin")))
def test_a_cached_compliance_comes_back_as_it_went_in(shares, until):
    """The dashboard's compliance is cached as plain numbers (selectors._for_cache): the same
    shares, and the same instant to the microsecond, where the horizon decides whether it
    still holds."""
    answer = selectors.RecentCompliance(
        compliance.Share(*shares[:3]), compliance.Share(*shares[3:]), until
    )
    back = selectors._from_cache(selectors._for_cache(answer))
    assert (back.short, back.long) == (answer.short, answer.long)
    # The same instant, compared in UTC: == between zones is False for a local time in a
    # clock change's fold or gap (PEP 495), whatever the instant.
    assert back.holds_until.astimezone(UTC) == until.astimezone(UTC)
    assert back.holds_until.tzinfo == UTC
