"""The service layer against a real database: it loads in a fixed number of queries, calls the
pure engine, and writes in one transaction."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from athletes.models import Athlete
from plans import selectors, services
from plans.domain.rules import RULES
from plans.models import PlanStatus, WeeklyPlan
from plans.services import ServiceError
from tests.conftest import clock_before
from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
)
from workouts.models import Exercise, LiftSession, LiftSet, RunKind, SessionStatus

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = date(2026, 11, 30)  # 2026-W49


@pytest.fixture(autouse=True)
def before_the_week():
    with clock_before(WEEK):
        yield


def local(day: int, hour: int, minute: int = 0, tz: ZoneInfo = BERLIN) -> datetime:
    """A local time in WEEK: day 0 is Monday."""
    return datetime.combine(WEEK + timedelta(days=day), time(hour, minute), tzinfo=tz)


def interval(athlete, day: int, hour: int, minute: int = 0):
    return RunSessionFactory(
        athlete=athlete, kind=RunKind.INTERVAL, start=local(day, hour, minute, athlete.tz)
    )


def logged_deadlift(athlete, start: datetime, load_kg: str, reps: int = 3, rir: int = 1):
    session = LiftSessionFactory(athlete=athlete, start=start, status=SessionStatus.DONE)
    for order in (1, 2, 3):
        LiftSetFactory(session=session, order=order, reps=reps, load_kg=Decimal(load_kg), rir=rir)
    return session


def deadlifts(athlete) -> list[LiftSession]:
    return list(
        LiftSession.objects.filter(
            athlete=athlete,
            exercise=Exercise.DEADLIFT,
            start__gte=local(0, 0, tz=athlete.tz),
            start__lt=local(7, 0, tz=athlete.tz),
        )
    )


def snapshot() -> list[tuple]:
    sessions = LiftSession.objects.order_by("pk").values_list("pk", "start", "athlete_id")
    sets = LiftSet.objects.order_by("pk").values_list(
        "pk", "session_id", "order", "target_reps", "target_load_kg", "target_rir"
    )
    return [*sessions, *sets, *WeeklyPlan.objects.values_list("pk", "status")]


class TestScheduleDeadlift:
    def test_places_one_deadlift_on_the_hard_day_far_from_the_intervals(self, athlete):
        interval(athlete, day=1, hour=7)
        result = services.schedule_deadlift(athlete=athlete, week=WEEK)
        assert result.outcome == "placed"
        [deadlift] = deadlifts(athlete)
        # Hard day Tuesday; the window ends at 21:00, so 20:00 is the farthest from 07:00.
        assert deadlift.start == local(1, 20)
        assert deadlift.plan.week_start == WEEK
        sets = list(deadlift.sets.order_by("order"))
        assert [(s.is_warmup, s.target_reps, s.target_rir) for s in sets] == [
            (True, 5, None),
            (True, 3, None),
            (True, 2, None),
            (False, 3, 1),
            (False, 3, 1),
            (False, 3, 1),
        ]
        # No history: no load, and the set says why.
        assert all(s.target_load_kg is None for s in sets)
        assert "choose a weight you could lift 4 times" in sets[-1].target_load_reason

    def test_twice_changes_nothing(self, athlete):
        interval(athlete, day=1, hour=7)
        services.schedule_deadlift(athlete=athlete, week=WEEK)
        before = snapshot()
        result = services.schedule_deadlift(athlete=athlete, week=WEEK)
        assert result.outcome == "unchanged"
        assert snapshot() == before

    def test_prescribes_from_logged_history_exactly(self, athlete):
        interval(athlete, day=1, hour=7)
        logged_deadlift(athlete, local(-14, 18), "150")
        services.schedule_deadlift(athlete=athlete, week=WEEK)
        [deadlift] = deadlifts(athlete)
        working = deadlift.sets.filter(is_warmup=False)
        warmups = deadlift.sets.filter(is_warmup=True).order_by("order")
        # 150 x 3 at RIR 1 sets e1RM 168.2; the same reps and RIR give back exactly 150 kg.
        assert {s.target_load_kg for s in working} == {Decimal("150")}
        assert working[0].target_load_reason == "89.2 % of e1RM 168.2 kg"
        assert [s.target_load_kg for s in warmups] == [
            Decimal("60"),
            Decimal("90"),
            Decimal("120"),
        ]

    def test_history_older_than_42_days_is_not_used(self, athlete):
        interval(athlete, day=1, hour=7)
        logged_deadlift(athlete, local(-43, 18), "150")
        services.schedule_deadlift(athlete=athlete, week=WEEK)
        [deadlift] = deadlifts(athlete)
        assert deadlift.sets.filter(target_load_kg__isnull=False).count() == 0

    def test_moves_a_deadlift_that_is_too_close_and_keeps_one(self, athlete):
        interval(athlete, day=1, hour=7)
        too_close = LiftSessionFactory(athlete=athlete, start=local(1, 10))
        LiftSessionFactory(athlete=athlete, start=local(3, 18))  # a second deadlift
        result = services.schedule_deadlift(athlete=athlete, week=WEEK)
        assert result.outcome == "moved"
        [deadlift] = deadlifts(athlete)
        assert deadlift.pk == too_close.pk
        assert deadlift.start == local(1, 20)

    def test_coach_chooses_four_by_four(self, athlete):
        interval(athlete, day=1, hour=7)
        services.schedule_deadlift(athlete=athlete, week=WEEK, sets=4, reps=4)
        [deadlift] = deadlifts(athlete)
        working = deadlift.sets.filter(is_warmup=False)
        assert [s.target_reps for s in working] == [4, 4, 4, 4]
        # Rescheduling without a choice keeps the coach's 4 x 4.
        assert services.schedule_deadlift(athlete=athlete, week=WEEK).outcome == "unchanged"

    @pytest.mark.parametrize(("sets", "reps"), [(5, 3), (2, 3), (3, 2), (3, 5)])
    def test_a_choice_outside_the_advice_is_refused_and_writes_nothing(self, athlete, sets, reps):
        interval(athlete, day=1, hour=7)
        before = snapshot()
        with pytest.raises(ServiceError, match="3 to 4"):
            services.schedule_deadlift(athlete=athlete, week=WEEK, sets=sets, reps=reps)
        assert snapshot() == before

    def test_no_slot_says_why_and_writes_nothing(self, athlete):
        Athlete.objects.filter(pk=athlete.pk).update(
            training_window_start=time(6), training_window_end=time(6, 30)
        )
        athlete.refresh_from_db()
        result = services.schedule_deadlift(athlete=athlete, week=WEEK)
        assert result.outcome == "no_slot"
        assert "shorter than the 60-minute session" in result.reason
        assert deadlifts(athlete) == []

    def test_an_athlete_with_a_broken_time_zone_stops_the_whole_roster(self, coach):
        good = AthleteFactory(coach=coach)
        broken = AthleteFactory(coach=coach)
        Athlete.objects.filter(pk=broken.pk).update(time_zone="Mars/Olympus_Mons")
        before = snapshot()
        with pytest.raises(ServiceError, match="time zone"):
            services.schedule_roster(coach=coach, week=WEEK)
        assert snapshot() == before
        assert deadlifts(good) == []


def make_roster(size: int, *, with_deadlift: bool = False):
    coach = CoachFactory()
    zones = ["Europe/Berlin", "Pacific/Auckland", "America/Los_Angeles", "UTC"]
    for number in range(size):
        athlete = AthleteFactory(coach=coach, time_zone=zones[number % len(zones)])
        interval(athlete, day=1, hour=7)
        RunSessionFactory(athlete=athlete, kind=RunKind.EASY, start=local(3, 7, tz=athlete.tz))
        logged_deadlift(athlete, local(-7, 18, tz=athlete.tz), "120")
        if with_deadlift:
            session = LiftSessionFactory(athlete=athlete, start=local(1, 18, tz=athlete.tz))
            for order in (1, 2, 3):
                LiftSetFactory(session=session, order=order)
    return coach


@pytest.mark.parametrize("size", [5, 50])
def test_evaluate_roster_runs_a_fixed_number_of_queries(size, django_assert_num_queries):
    coach = make_roster(size, with_deadlift=True)
    # athletes, runs, lifts, their sets, plans (no e1RM history: judging needs none)
    with django_assert_num_queries(5):
        reports = services.evaluate_roster(coach=coach, week=WEEK)
    assert len(reports) == size
    assert all(report.violations == [] for report in reports)
    assert all(report.loaded.e1rm is None for report in reports)


@pytest.mark.parametrize("size", [5, 50])
def test_judge_athletes_runs_a_fixed_number_of_queries(size, django_assert_num_queries):
    athletes = selectors.roster(make_roster(size, with_deadlift=True))
    # plans, the runs within reach (for the rules and the tally alike), lifts, their sets
    with django_assert_num_queries(4):
        reports = services.judge_athletes(athletes, WEEK)
    assert len(reports) == size
    assert all(report.violations == [] for report in reports)


@pytest.mark.parametrize("size", [5, 50])
def test_schedule_roster_runs_a_fixed_number_of_queries(size, django_assert_num_queries):
    coach = make_roster(size)
    # athletes, runs, lifts, plans, e1RM history; then new sessions and their sets (the
    # plans exist already), inside a savepoint
    with django_assert_num_queries(9):
        results = services.schedule_roster(coach=coach, week=WEEK)
    assert {r.outcome for r in results} == {"placed"}
    reports = services.evaluate_roster(coach=coach, week=WEEK)
    assert all(report.violations == [] for report in reports)


def test_evaluate_week_flags_a_deadlift_too_close_to_intervals(athlete):
    run = interval(athlete, day=1, hour=19, minute=30)
    lift = LiftSessionFactory(athlete=athlete, start=local(1, 14))
    report = services.evaluate_week(athlete=athlete, week=WEEK)
    [violation] = [v for v in report.violations if v.code == "deadlift.too_close_to_intervals"]
    assert set(violation.session_ids) == {run.pk, lift.pk}
    assert "4 h 30 min" in violation.message


class TestApplyFix:
    def test_move_fixes_too_close(self, athlete):
        interval(athlete, day=1, hour=19, minute=30)
        LiftSessionFactory(athlete=athlete, start=local(1, 14))
        services.apply_fix(athlete=athlete, week=WEEK, code="deadlift.too_close_to_intervals")
        codes = [v.code for v in services.evaluate_week(athlete=athlete, week=WEEK).violations]
        assert "deadlift.too_close_to_intervals" not in codes

    def test_remove_extra_deadlifts(self, athlete):
        interval(athlete, day=1, hour=7)
        LiftSessionFactory(athlete=athlete, start=local(1, 18))
        LiftSessionFactory(athlete=athlete, start=local(3, 18))
        services.apply_fix(athlete=athlete, week=WEEK, code="deadlift.too_many")
        assert len(deadlifts(athlete)) == 1

    @pytest.mark.parametrize(
        ("code", "sets"),
        [
            ("deadlift.sets_out_of_range", [(3, 1)] * 5),
            ("deadlift.sets_out_of_range", [(3, 1)] * 2),
            ("deadlift.reps_out_of_range", [(5, 1)] * 3),
            ("deadlift.high_reps", [(12, 1)] * 3),
            ("deadlift.to_failure", [(3, 0)] * 3),
            ("deadlift.too_easy", [(3, 3)] * 3),
        ],
    )
    def test_set_fixes_clear_their_violation(self, athlete, code, sets):
        interval(athlete, day=1, hour=7)
        session = LiftSessionFactory(athlete=athlete, start=local(1, 18))
        for order, (reps, rir) in enumerate(sets, start=1):
            LiftSetFactory(session=session, order=order, target_reps=reps, target_rir=rir)
        before = [v.code for v in services.evaluate_week(athlete=athlete, week=WEEK).violations]
        assert code in before
        services.apply_fix(athlete=athlete, week=WEEK, code=code)
        after = [v.code for v in services.evaluate_week(athlete=athlete, week=WEEK).violations]
        assert after == []

    def test_missing_schedules_the_deadlift(self, athlete):
        interval(athlete, day=1, hour=7)
        services.apply_fix(athlete=athlete, week=WEEK, code="deadlift.missing")
        assert len(deadlifts(athlete)) == 1

    def test_a_code_the_week_does_not_have_is_refused(self, athlete):
        interval(athlete, day=1, hour=7)
        LiftSessionFactory(athlete=athlete, start=local(1, 18))
        with pytest.raises(ServiceError, match="no 'deadlift.too_many'"):
            services.apply_fix(athlete=athlete, week=WEEK, code="deadlift.too_many")


def test_publish_week_publishes_drafts_and_creates_missing_plans(coach):
    with_plan, without_plan = AthleteFactory(coach=coach), AthleteFactory(coach=coach)
    WeeklyPlan.objects.create(athlete=with_plan, week_start=WEEK)
    assert services.publish_week(athletes=[with_plan, without_plan], week=WEEK) == 2
    assert set(WeeklyPlan.objects.values_list("status", flat=True)) == {PlanStatus.PUBLISHED}
    assert services.publish_week(athletes=[with_plan, without_plan], week=WEEK) == 0


class TestScheduleWeekCommand:
    def test_twice_the_second_run_changes_nothing(self):
        coach = make_roster(4)
        out = StringIO()
        call_command(
            "schedule_week",
            "--week",
            "2026-W49",
            "--coach",
            coach.user.username,
            stdout=out,
            stderr=StringIO(),
        )
        assert "4 athletes: 4 placed, 0 moved, 0 updated, 0 unchanged, 0 no slot" in out.getvalue()
        before = snapshot()
        out = StringIO()
        call_command("schedule_week", "--week", "2026-W49", stdout=out, stderr=StringIO())
        assert "0 placed, 0 moved, 0 updated, 4 unchanged, 0 no slot" in out.getvalue()
        assert snapshot() == before

    def test_a_bad_week_is_a_clear_error(self):
        with pytest.raises(CommandError, match="no ISO week 54"):
            call_command("schedule_week", "--week", "2026-W54")

    def test_an_unknown_coach_is_a_clear_error(self):
        with pytest.raises(CommandError, match="No coach named 'nobody'"):
            call_command("schedule_week", "--coach", "nobody")

    def test_reports_no_slot_with_its_reason(self):
        athlete = AthleteFactory(training_window_start=time(6), training_window_end=time(6, 30))
        out = StringIO()
        call_command("schedule_week", "--week", "2026-W49", stdout=out, stderr=StringIO())
        assert f"no slot for {athlete}" in out.getvalue()


def test_datetimes_are_stored_in_utc(athlete):
    run = interval(athlete, day=1, hour=7)
    run.refresh_from_db()
    assert run.start == datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


def varied_roster():
    """Athletes whose weeks break the rules in every way, in three time zones, with sessions
    the dashboard's judging reads and sessions it only counts."""
    coach = CoachFactory()
    zones = ["Europe/Berlin", "Pacific/Auckland", "America/Los_Angeles"]
    athletes = [
        AthleteFactory(coach=coach, time_zone=zones[number % len(zones)]) for number in range(7)
    ]
    tz = [athlete.tz for athlete in athletes]
    too_close, neighbour, counted, doubled, missing, easy, short = athletes
    # Too close to Tuesday's intervals.
    interval(too_close, day=1, hour=19, minute=30)
    LiftSetFactory(session=LiftSessionFactory(athlete=too_close, start=local(1, 14, tz=tz[0])))
    # Too close to an interval run of the Sunday before the week (a neighbouring day).
    RunSessionFactory(athlete=neighbour, kind=RunKind.INTERVAL, start=local(-1, 20, tz=tz[1]))
    neighbour_lift = LiftSessionFactory(athlete=neighbour, start=local(0, 2, tz=tz[1]))
    for order in (1, 2, 3):
        LiftSetFactory(session=neighbour_lift, order=order)
    # Skipped and done sessions, a squat and a skipped deadlift: counted, not all judged.
    interval(counted, day=2, hour=7)
    RunSessionFactory(athlete=counted, start=local(0, 7, tz=tz[2]), status=SessionStatus.SKIPPED)
    RunSessionFactory(athlete=counted, start=local(4, 7, tz=tz[2]), status=SessionStatus.DONE)
    RunSessionFactory(
        athlete=counted,
        kind=RunKind.INTERVAL,
        start=local(5, 7, tz=tz[2]),
        status=SessionStatus.SKIPPED,
    )
    LiftSessionFactory(athlete=counted, exercise=Exercise.SQUAT, start=local(3, 18, tz=tz[2]))
    LiftSessionFactory(athlete=counted, start=local(2, 19, tz=tz[2]), status=SessionStatus.SKIPPED)
    logged_deadlift(counted, local(2, 18, tz=tz[2]), "100", reps=12, rir=0)
    # Two deadlifts: one targets 12 reps, one was logged to failure.
    interval(doubled, day=1, hour=7)
    high = LiftSessionFactory(athlete=doubled, start=local(1, 18, tz=tz[3]))
    for order in (1, 2, 3):
        LiftSetFactory(session=high, order=order, target_reps=12)
    logged_deadlift(doubled, local(4, 18, tz=tz[3]), "110", rir=0)
    # No deadlift at all.
    interval(missing, day=3, hour=7)
    # Too easy, off the hard day.
    interval(easy, day=1, hour=7)
    logged_deadlift(easy, local(5, 10, tz=tz[5]), "90", rir=4)
    # Two working sets of 6 after a warm-up, and a squat without sets.
    lift = LiftSessionFactory(athlete=short, start=local(3, 18, tz=tz[6]))
    LiftSetFactory(session=lift, order=1, is_warmup=True, target_reps=5, target_rir=None)
    LiftSetFactory(session=lift, order=2, target_reps=6)
    LiftSetFactory(session=lift, order=3, target_reps=6)
    LiftSessionFactory(athlete=short, exercise=Exercise.SQUAT, start=local(4, 18, tz=tz[6]))
    return coach, athletes


def test_judging_finds_what_evaluate_roster_finds():
    coach, _ = varied_roster()
    judged = {
        report.athlete.pk: report
        for report in services.judge_athletes(selectors.roster(coach), WEEK)
    }
    full = {
        report.athlete.pk: report for report in services.evaluate_roster(coach=coach, week=WEEK)
    }
    assert judged.keys() == full.keys()
    codes = set()
    for pk, report in full.items():
        judged_violations = judged[pk].violations
        assert [(v.code, v.severity, v.session_ids) for v in judged_violations] == [
            (v.code, v.severity, v.session_ids) for v in report.violations
        ]
        # The same words, less the scheduler's reason why no better time exists.
        for short, long in zip(judged_violations, report.violations, strict=True):
            assert long.message.startswith(short.message)
            assert short.fix is None
        assert judged[pk].loaded.tally == selectors.Tally.of(report.loaded.week)
        assert judged[pk].loaded.week.hard_days == report.loaded.week.hard_days
        assert judged[pk].loaded.week.deadlifts == report.loaded.week.deadlifts
        codes |= {v.code for v in report.violations}
    assert codes == set(RULES)  # every rule has its say somewhere


def test_the_tally_counts_skipped_sessions_as_planned_and_not_the_neighbours():
    coach, athletes = varied_roster()
    tallies = {
        r.athlete: r.loaded.tally for r in services.judge_athletes(selectors.roster(coach), WEEK)
    }
    # 4 runs (1 done, 2 skipped), a squat, a skipped deadlift and a logged (done) deadlift;
    # open (missed once their planned end is past): the planned interval run and the squat.
    tz = athletes[2].tz
    assert tallies[athletes[2]] == selectors.Tally(
        done=2, planned=7, open_ends=(local(2, 8, tz=tz), local(3, 19, tz=tz))
    )
    # The Sunday-before interval run is the neighbour's, not the week's.
    assert tallies[athletes[1]] == selectors.Tally(
        done=0, planned=1, open_ends=(local(0, 3, tz=athletes[1].tz),)
    )
