"""plan_templates.services against a real database (SQLite, and PostgreSQL with DATABASE_URL):
writing templates, preview, apply, undo and the rollout. `now` is passed to every call."""

import copy
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from plan_templates import services
from plan_templates.models import (
    AppliedLift,
    AppliedRun,
    PlanTemplate,
    TemplateApplication,
    TemplateRun,
    TemplateWeek,
)
from plans.domain.errors import Conflict, ServiceError
from plans.models import PlanStatus, WeeklyPlan
from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
)
from tests.plan_templates.documents import FOUR_WEEKS, START
from workouts.models import Exercise, LiftSession, LiftSet, RunKind, RunSession, SessionStatus

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)  # the Saturday before START
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo")


@pytest.fixture
def template(coach):
    return services.replace_template(None, coach=coach, data=FOUR_WEEKS)


@pytest.fixture
def trio(coach):
    return [AthleteFactory(coach=coach, time_zone=zone) for zone in ZONES]


def targets(athletes, start=START):
    return [services.Target(athlete, start) for athlete in athletes]


def counts() -> tuple[int, ...]:
    return (
        RunSession.objects.count(),
        LiftSession.objects.count(),
        LiftSet.objects.count(),
        WeeklyPlan.objects.count(),
        TemplateApplication.objects.count(),
        AppliedRun.objects.count(),
        AppliedLift.objects.count(),
    )


def applied(outcome: services.AthleteOutcome) -> TemplateApplication:
    assert outcome.application_id is not None, outcome.message
    return TemplateApplication.objects.get(pk=outcome.application_id)


def document(**changes):
    data = copy.deepcopy(FOUR_WEEKS)
    data.update(changes)
    return data


# ---------------------------------------------------------------------------- templates


def test_replace_template_creates_the_weeks_and_runs(template):
    assert (template.name, template.weeks) == ("Base block", 4)
    assert TemplateWeek.objects.filter(template=template).count() == 4
    assert TemplateRun.objects.filter(week__template=template).count() == 16
    week3 = TemplateWeek.objects.get(template=template, number=3)
    assert (week3.has_deadlift, week3.deadlift_sets, week3.deadlift_reps) == (True, 4, 4)
    assert not TemplateWeek.objects.get(template=template, number=4).has_deadlift
    interval = TemplateRun.objects.get(week=week3, kind="interval")
    assert (interval.weekday, interval.start_time) == (1, time(18))
    assert interval.distance_km == Decimal("10.50")
    # The document comes back as it went in (times as times, distances as decimals).
    back = services.template_document(template)
    assert back["week_list"][0]["runs"][1]["start_time"] == time(18)
    assert back["weeks"] == 4 and len(back["week_list"]) == 4


def test_replace_template_replaces_everything(template, coach):
    data = document(
        name="Shorter",
        weeks=2,
        week_list=[{"number": 2, "has_deadlift": False, "runs": []}],
    )
    same = services.replace_template(template, coach=coach, data=data)
    assert same.pk == template.pk
    template.refresh_from_db()
    assert (template.name, template.weeks) == ("Shorter", 2)
    assert list(
        TemplateWeek.objects.filter(template=template).values_list("number", flat=True)
    ) == [2]
    assert not TemplateRun.objects.filter(week__template=template).exists()
    specs = services.template_weeks(template)
    assert [(s.number, s.has_deadlift, s.runs) for s in specs] == [(1, False, ()), (2, False, ())]


def run_doc(**changes):
    values = {"weekday": 1, "start_time": "07:00", "kind": "easy", "duration_minutes": 60}
    return values | changes


def one_week(**week):
    return document(weeks=1, week_list=[{"number": 1, "has_deadlift": True, "runs": []} | week])


@pytest.mark.parametrize(
    ("data", "path"),
    [
        pytest.param(document(name=""), "name", id="no name"),
        pytest.param(document(name="x" * 101), "name", id="name of 101 characters"),
        pytest.param(document(name=7), "name", id="name not a text"),
        pytest.param(document(weeks=0), "weeks", id="0 weeks"),
        pytest.param(document(weeks=27), "weeks", id="27 weeks"),
        pytest.param(document(weeks=True), "weeks", id="weeks a boolean"),
        pytest.param(document(weeks="4x"), "weeks", id="weeks not a number"),
        pytest.param(document(weeks=3), "week_list.3.number", id="a week beyond the last"),
        pytest.param(document(week_list="x"), "week_list", id="week list not a list"),
        pytest.param(one_week(deadlift_sets=2), "week_list.0.deadlift_sets", id="2 sets"),
        pytest.param(one_week(deadlift_sets=5), "week_list.0.deadlift_sets", id="5 sets"),
        pytest.param(one_week(deadlift_reps=2), "week_list.0.deadlift_reps", id="2 reps"),
        pytest.param(one_week(deadlift_reps=5), "week_list.0.deadlift_reps", id="5 reps"),
        pytest.param(one_week(has_deadlift="yes"), "week_list.0.has_deadlift", id="not a bool"),
        pytest.param(
            document(weeks=1, week_list=[{"number": 1}, {"number": 1}]),
            "week_list.1.number",
            id="a week twice",
        ),
        pytest.param(
            one_week(runs=[run_doc(weekday=7)]), "week_list.0.runs.0.weekday", id="weekday 7"
        ),
        pytest.param(
            one_week(runs=[run_doc(weekday=-1)]), "week_list.0.runs.0.weekday", id="weekday -1"
        ),
        pytest.param(
            one_week(runs=[run_doc(start_time="24:00")]),
            "week_list.0.runs.0.start_time",
            id="24:00",
        ),
        pytest.param(
            one_week(runs=[run_doc(start_time="7h")]),
            "week_list.0.runs.0.start_time",
            id="a time in words",
        ),
        pytest.param(
            one_week(runs=[run_doc(kind="sprint")]), "week_list.0.runs.0.kind", id="no such kind"
        ),
        pytest.param(
            one_week(runs=[run_doc(duration_minutes=0)]),
            "week_list.0.runs.0.duration_minutes",
            id="0 minutes",
        ),
        pytest.param(
            one_week(runs=[run_doc(duration_minutes=1441)]),
            "week_list.0.runs.0.duration_minutes",
            id="1441 minutes",
        ),
        pytest.param(
            one_week(runs=[run_doc(distance_km="-1")]),
            "week_list.0.runs.0.distance_km",
            id="negative distance",
        ),
        pytest.param(
            one_week(runs=[run_doc(distance_km="NaN")]),
            "week_list.0.runs.0.distance_km",
            id="distance NaN",
        ),
        pytest.param(
            one_week(runs=[run_doc(distance_km="8.555")]),
            "week_list.0.runs.0.distance_km",
            id="three decimals",
        ),
        pytest.param(one_week(runs=[run_doc()] * 22), "week_list.0.runs", id="22 runs a week"),
        pytest.param(one_week(runs=["easy"]), "week_list.0.runs.0", id="a run not an object"),
    ],
)
def test_a_bad_document_names_the_field_and_writes_nothing(coach, data, path):
    with pytest.raises(services.TemplateInvalid) as caught:
        services.replace_template(None, coach=coach, data=data)
    assert path in caught.value.errors, caught.value.errors
    assert not PlanTemplate.objects.exists()


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        pytest.param(1, True, id="1 week"),
        pytest.param(26, True, id="26 weeks"),
        pytest.param(0, False, id="0 weeks"),
        pytest.param(27, False, id="27 weeks"),
    ],
)
def test_a_template_has_1_to_26_weeks(coach, value, ok):
    data = document(weeks=value, week_list=[])
    if ok:
        assert services.replace_template(None, coach=coach, data=data).weeks == value
    else:
        with pytest.raises(services.TemplateInvalid):
            services.replace_template(None, coach=coach, data=data)


def test_a_name_is_unique_per_coach(template, coach):
    with pytest.raises(services.TemplateInvalid) as caught:
        services.replace_template(None, coach=coach, data=FOUR_WEEKS)
    assert list(caught.value.errors) == ["name"]
    # Another coach may use it; the same template may keep it.
    assert services.replace_template(None, coach=CoachFactory(), data=FOUR_WEEKS).pk
    assert services.replace_template(template, coach=coach, data=FOUR_WEEKS).pk == template.pk


def test_another_coachs_template_cannot_be_replaced(template):
    with pytest.raises(ServiceError):
        services.replace_template(template, coach=CoachFactory(), data=document(name="Mine"))
    template.refresh_from_db()
    assert template.name == "Base block"


def test_copy_template(template):
    copied = services.copy_template(template, name="Base block (copy)")
    assert copied.pk != template.pk and copied.coach == template.coach
    assert services.template_document(copied) == services.template_document(template) | {
        "name": "Base block (copy)"
    }
    with pytest.raises(services.TemplateInvalid):
        services.copy_template(template, name="Base block")


def test_save_weeks_as_template(coach):
    athlete = AthleteFactory(coach=coach, time_zone="America/New_York")
    tz = ZoneInfo("America/New_York")
    first = date(2026, 11, 23)

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(first + timedelta(days=days), time(hour, minute), tzinfo=tz)

    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=at(1, 18, 15), distance_km=9)
    RunSessionFactory(athlete=athlete, kind=RunKind.EASY, start=at(3, 7), duration_minutes=40)
    RunSessionFactory(athlete=athlete, start=at(4, 7), status=SessionStatus.SKIPPED)
    RunSessionFactory(athlete=athlete, kind=RunKind.LONG, start=at(20, 8), duration_minutes=100)
    lift = LiftSessionFactory(athlete=athlete, start=at(1, 8))
    for order in (1, 2, 3, 4):
        LiftSetFactory(session=lift, order=order, target_reps=4)
    LiftSetFactory(session=lift, order=5, is_warmup=True, target_reps=5)

    template = services.save_weeks_as_template(
        coach=coach, athlete=athlete, first_week=first, weeks=3, name="From Ann"
    )
    doc = services.template_document(template)
    assert doc["weeks"] == 3
    week1, week2, week3 = doc["week_list"]
    assert [(r["weekday"], r["start_time"], r["kind"]) for r in week1["runs"]] == [
        (1, time(18, 15), "interval"),
        (3, time(7), "easy"),
    ]
    assert week1["runs"][0]["distance_km"] == Decimal("9.00")
    assert (week1["has_deadlift"], week1["deadlift_sets"], week1["deadlift_reps"]) == (True, 4, 4)
    assert (week2["has_deadlift"], week2["runs"]) == (False, [])
    assert [r["kind"] for r in week3["runs"]] == ["long"] and not week3["has_deadlift"]


def test_save_weeks_as_template_refuses_another_coachs_athlete(coach):
    with pytest.raises(ServiceError):
        services.save_weeks_as_template(
            coach=coach, athlete=AthleteFactory(), first_week=START, weeks=2, name="Theirs"
        )
    with pytest.raises(services.TemplateInvalid):
        services.save_weeks_as_template(
            coach=coach,
            athlete=AthleteFactory(coach=coach),
            first_week=START + timedelta(days=1),
            weeks=2,
            name="Tuesday",
        )
    assert not PlanTemplate.objects.exists()


# ---------------------------------------------------------------------------- preview


def test_preview_shows_each_athletes_weeks_in_their_own_zone_and_writes_nothing(template, trio):
    before = counts()
    previews = services.preview(template, targets(trio), now=NOW)
    assert counts() == before
    assert [p.athlete for p in previews] == trio
    for item in previews:
        tz = item.athlete.tz
        assert not item.error and not item.already_applied
        assert [w.name for w in item.weeks] == ["2026-W50", "2026-W51", "2026-W52", "2026-W53"]
        for week in item.weeks:
            assert len(week.created) == 4 and not week.reported
            interval = next(r for r in week.created if r.spec.kind == "interval")
            local = interval.start.astimezone(tz)
            assert (local.weekday(), local.time()) == (1, time(18))
        deadlifts = [w.deadlift for w in item.weeks]
        assert deadlifts[3] is None  # week 4 has none
        for week, deadlift in zip(item.weeks[:3], deadlifts[:3], strict=True):
            assert deadlift is not None and deadlift.outcome == "placed"
            assert deadlift.local_start is not None
            # On the hard day (Tuesday), 6 h or more from the 18:00 interval run.
            assert deadlift.local_start.weekday() == 1
            assert deadlift.local_start.time() <= time(11)
            assert week.violations == ()
        third = deadlifts[2]
        assert third is not None and (third.sets, third.reps) == (4, 4)
        assert [v.code for v in item.weeks[3].violations] == ["deadlift.missing"]


def test_preview_reports_runs_and_the_rules_they_would_break(template, coach):
    athlete = AthleteFactory(coach=coach, time_zone="Europe/Berlin", training_window_start=time(8))
    tz = athlete.tz
    # A run already there on week 1's Thursday 07:30 (the template's easy run is 07:00-07:45:
    # outside this athlete's window anyway, from 08:00) and one on Sunday 10:00 under the
    # template's long run.
    RunSessionFactory(
        athlete=athlete, start=datetime(2026, 12, 13, 10, tzinfo=tz), duration_minutes=30
    )
    (item,) = services.preview(template, targets([athlete]), now=NOW)
    week1 = item.weeks[0]
    reasons = sorted((r.spec.weekday, r.reason) for r in week1.reported)
    assert reasons == [(0, "outside_window"), (3, "outside_window"), (6, "overlap")]
    assert [r.spec.kind for r in week1.created] == ["interval"]
    assert item.runs_created == 1 + 3 * 2 and item.runs_reported == 3 + 3 * 2


def test_preview_in_the_middle_of_the_week_reports_the_past(template, trio):
    wednesday = datetime(2026, 12, 9, 12, tzinfo=UTC)
    (item,) = services.preview(template, targets(trio[:1]), now=wednesday)
    week1 = item.weeks[0]
    assert sorted(r.reason for r in week1.reported) == ["past", "past"]  # Mon and Tue
    assert [r.spec.weekday for r in week1.created] == [3, 6]
    # Tuesday's interval run is not created, so the week has no hard day: the deadlift goes
    # to the earliest free time still ahead.
    assert week1.deadlift is not None and week1.deadlift.start is not None
    assert week1.deadlift.start > wednesday
    assert week1.violations == ()


def test_preview_of_a_week_that_is_over_places_nothing(template, trio):
    later = datetime(2026, 12, 14, 12, tzinfo=UTC)  # week 1 is over
    (item,) = services.preview(template, targets(trio[:1]), now=later)
    assert not item.weeks[0].created
    assert item.weeks[0].deadlift is not None
    assert (item.weeks[0].deadlift.outcome, item.weeks[0].deadlift.reason) == (
        "no_slot",
        "The week is over.",
    )


def test_preview_says_why_an_athlete_cannot_be_applied(template, coach):
    stranger = AthleteFactory()
    mine = AthleteFactory(coach=coach)
    previews = services.preview(
        template,
        [services.Target(stranger, START), services.Target(mine, START + timedelta(days=1))],
        now=NOW,
    )
    assert "not coached" in previews[0].error
    assert "Monday" in previews[1].error
    assert all(p.weeks == () for p in previews)


def test_preview_refuses_an_athlete_twice(template, trio):
    with pytest.raises(ServiceError, match="twice"):
        services.preview(template, targets([trio[0], trio[0]]), now=NOW)


@pytest.mark.parametrize("size", [1, 6])
def test_preview_runs_a_fixed_number_of_queries(template, coach, size, django_assert_num_queries):
    athletes = [AthleteFactory(coach=coach, time_zone=ZONES[i % 3]) for i in range(size)]
    # The template's weeks and runs, the applications, then plans, runs, lifts and sets.
    with django_assert_num_queries(7):
        services.preview(template, targets(athletes), now=NOW)


# ---------------------------------------------------------------------------- apply


def test_apply_creates_the_runs_and_each_weeks_deadlift(template, trio):
    calls = []
    outcomes = services.apply(
        template, targets(trio), now=NOW, progress=lambda done, total: calls.append((done, total))
    )
    assert [o.status for o in outcomes] == ["applied"] * 3
    assert calls[-1] == (3, 3) and all(total == 3 for _, total in calls)
    for outcome, athlete in zip(outcomes, trio, strict=True):
        tz = athlete.tz
        application = applied(outcome)
        assert (application.athlete, application.start_week) == (athlete, START)
        runs = RunSession.objects.filter(athlete=athlete).order_by("start")
        assert runs.count() == 16 == outcome.runs_created
        assert AppliedRun.objects.filter(application=application).count() == 16
        assert {
            (r.start.astimezone(tz).weekday(), r.start.astimezone(tz).time()) for r in runs
        } == {
            (0, time(7)),
            (1, time(18)),
            (3, time(7)),
            (6, time(9)),
        }
        lifts = LiftSession.objects.filter(athlete=athlete).order_by("start")
        assert lifts.count() == 3
        assert set(
            AppliedLift.objects.filter(application=application).values_list("lift", flat=True)
        ) == {lift.pk for lift in lifts}
        for lift, shape in zip(lifts, [(3, 3), (3, 3), (4, 4)], strict=True):
            assert lift.exercise == Exercise.DEADLIFT
            assert lift.start.astimezone(tz).weekday() == 1  # the hard day
            working = lift.sets.filter(is_warmup=False)
            assert (working.count(), working[0].target_reps) == shape
            assert lift.sets.filter(is_warmup=True).count() == 3
        # Every run and lift sits in the plan of its local week; the four plans are drafts.
        plans = WeeklyPlan.objects.filter(athlete=athlete).order_by("week_start")
        assert [p.week_start for p in plans] == [START + timedelta(weeks=n) for n in range(4)]
        assert {p.status for p in plans} == {PlanStatus.DRAFT}
        for session in [*runs, *lifts]:
            local_monday = session.start.astimezone(tz).date()
            local_monday -= timedelta(days=local_monday.weekday())
            assert session.plan.week_start == local_monday
        assert [d["outcome"] for d in outcome.as_json()["deadlifts"]] == ["placed"] * 3


def test_apply_twice_changes_nothing(template, trio):
    first = services.apply(template, targets(trio), now=NOW)
    before = counts()
    again = services.apply(template, targets(trio), now=NOW + timedelta(hours=1))
    assert counts() == before
    assert [o.status for o in again] == ["already_applied"] * 3
    assert [o.application_id for o in again] == [o.application_id for o in first]
    assert services.preview(template, targets(trio), now=NOW)[0].already_applied


def test_apply_from_another_week_is_another_application(template, trio):
    services.apply(template, targets(trio[:1]), now=NOW)
    (later,) = services.apply(template, targets(trio[:1], START + timedelta(weeks=4)), now=NOW)
    assert later.status == "applied"
    assert TemplateApplication.objects.filter(athlete=trio[0]).count() == 2


def test_apply_moves_an_existing_deadlift_and_does_not_claim_it(template, coach):
    athlete = AthleteFactory(coach=coach, time_zone="Europe/Berlin")
    # A deadlift on week 1's Wednesday evening: not on the coming hard day (Tuesday).
    existing = LiftSessionFactory(athlete=athlete, start=datetime(2026, 12, 9, 17, tzinfo=UTC))
    (outcome,) = services.apply(template, targets([athlete]), now=NOW)
    existing.refresh_from_db()
    assert existing.start.astimezone(athlete.tz).weekday() == 1
    assert outcome.weeks[0].deadlift is not None and outcome.weeks[0].deadlift.outcome == "moved"
    assert LiftSession.objects.filter(athlete=athlete).count() == 3
    assert not AppliedLift.objects.filter(lift=existing).exists()
    assert AppliedLift.objects.filter(application_id=outcome.application_id).count() == 2


def test_apply_reports_a_run_onto_another_run(template, coach):
    athlete = AthleteFactory(coach=coach, time_zone="Asia/Tokyo")
    other = RunSessionFactory(
        athlete=athlete, start=datetime(2026, 12, 8, 18, 30, tzinfo=athlete.tz), kind="tempo"
    )
    (outcome,) = services.apply(template, targets([athlete]), now=NOW)
    ((number, reported),) = outcome.runs_reported
    assert (number, reported.reason, reported.spec.kind) == (1, "overlap", "interval")
    assert outcome.runs_created == 15
    other.refresh_from_db()
    assert other.start == datetime(2026, 12, 8, 18, 30, tzinfo=athlete.tz)  # not moved
    assert outcome.as_json()["runs_reported"][0]["reason"] == "overlap"


def test_apply_prescribes_from_each_athletes_history(template, coach):
    athlete = AthleteFactory(coach=coach, time_zone="UTC")
    logged = LiftSessionFactory(
        athlete=athlete, start=datetime(2026, 12, 1, 17, tzinfo=UTC), status=SessionStatus.DONE
    )
    for order in (1, 2, 3):
        LiftSetFactory(session=logged, order=order, reps=3, load_kg=Decimal("140"), rir=1)
    services.apply(template, targets([athlete]), now=NOW)
    lift = LiftSession.objects.filter(athlete=athlete, start__gt=NOW).order_by("start")[0]
    working = lift.sets.filter(is_warmup=False)[0]
    # 3 reps at RIR 1, as logged: the same load back.
    assert working.target_load_kg == Decimal("140")


def test_one_athlete_failing_leaves_the_others_applied(template, coach):
    mine, stranger = AthleteFactory(coach=coach), AthleteFactory()
    outcomes = services.apply(template, targets([stranger, mine]), now=NOW)
    assert [o.status for o in outcomes] == ["failed", "applied"]
    assert "not coached" in outcomes[0].message
    assert not RunSession.objects.filter(athlete=stranger).exists()
    assert RunSession.objects.filter(athlete=mine).count() == 16


@pytest.mark.parametrize("days", [-1, 29])
def test_apply_refuses_a_rollout_out_of_range(template, trio, days):
    before = counts()
    with pytest.raises(ServiceError, match="days"):
        services.apply(template, targets(trio), publish_days_before=days, now=NOW)
    assert counts() == before


def test_apply_publishes_at_once_the_weeks_whose_rollout_has_come(template, trio):
    athlete = trio[0]  # Berlin: W50 starts Sunday 23:00 UTC; 2 days before is Friday 23:00 UTC
    (outcome,) = services.apply(template, targets([athlete]), publish_days_before=2, now=NOW)
    plans = dict(WeeklyPlan.objects.filter(athlete=athlete).values_list("week_start", "status"))
    assert plans[START] == PlanStatus.PUBLISHED
    assert {plans[START + timedelta(weeks=n)] for n in (1, 2, 3)} == {PlanStatus.DRAFT}
    application = applied(outcome)
    assert application.publish_days_before == 2


def test_apply_runs_the_same_queries_for_10_and_30_athletes(template, coach):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure(size: int, start: date) -> int:
        athletes = [AthleteFactory(coach=coach, time_zone=ZONES[i % 3]) for i in range(size)]
        with CaptureQueriesContext(connection) as captured:
            outcomes = services.apply(template, targets(athletes, start), now=NOW)
        assert {o.status for o in outcomes} == {"applied"}
        return len(captured.captured_queries)

    assert measure(10, START) == measure(30, START + timedelta(weeks=8))


# ---------------------------------------------------------------------------- undo


def test_undo_removes_what_the_application_created(template, coach):
    athlete = AthleteFactory(coach=coach)
    own_run = RunSessionFactory(athlete=athlete, start=datetime(2026, 12, 9, 12, tzinfo=UTC))
    (outcome,) = services.apply(template, targets([athlete]), now=NOW)
    application = applied(outcome)
    undone = services.undo(application, now=NOW)
    assert (undone.runs_deleted, undone.lifts_deleted) == (16, 3)
    assert list(RunSession.objects.filter(athlete=athlete)) == [own_run]
    assert not LiftSession.objects.filter(athlete=athlete).exists()
    assert not TemplateApplication.objects.exists()
    assert not AppliedRun.objects.exists() and not AppliedLift.objects.exists()
    # Applying again is possible.
    (again,) = services.apply(template, targets([athlete]), now=NOW)
    assert again.status == "applied"


def test_undo_keeps_a_moved_deadlift(template, coach):
    athlete = AthleteFactory(coach=coach)
    existing = LiftSessionFactory(athlete=athlete, start=datetime(2026, 12, 9, 17, tzinfo=UTC))
    (outcome,) = services.apply(template, targets([athlete]), now=NOW)
    services.undo(applied(outcome), now=NOW)
    assert list(LiftSession.objects.filter(athlete=athlete)) == [existing]


def _logged_run(application):
    run = RunSession.objects.filter(applied__application=application)[0]
    run.status = SessionStatus.DONE
    run.save()


def _logged_set(application):
    lift = LiftSession.objects.filter(applied__application=application)[0]
    lift_set = lift.sets.filter(is_warmup=False)[0]
    lift_set.reps, lift_set.load_kg, lift_set.rir = 3, Decimal("100"), 1
    lift_set.save()


def _done_lift(application):
    LiftSession.objects.filter(applied__application=application).update(status=SessionStatus.DONE)


def _skipped_run(application):
    RunSession.objects.filter(applied__application=application).update(status=SessionStatus.SKIPPED)


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        pytest.param(_logged_run, "runs is done", id="a run done"),
        pytest.param(_logged_set, "logged sets", id="a deadlift set logged"),
        pytest.param(_done_lift, "logged sets", id="a deadlift done"),
        pytest.param(_skipped_run, None, id="runs skipped (nothing logged)"),
        pytest.param(lambda application: None, None, id="nothing touched"),
    ],
)
def test_undo_is_refused_once_something_is_logged(template, coach, change, refused):
    athlete = AthleteFactory(coach=coach)
    (outcome,) = services.apply(template, targets([athlete]), now=NOW)
    application = applied(outcome)
    change(application)
    before = counts()
    if refused is None:
        services.undo(application, now=NOW)
        assert not TemplateApplication.objects.exists()
        return
    with pytest.raises(Conflict, match=refused):
        services.undo(application, now=NOW)
    assert counts() == before


def test_undo_of_an_application_already_undone(template, coach):
    athlete = AthleteFactory(coach=coach)
    (outcome,) = services.apply(template, targets([athlete]), now=NOW)
    application = applied(outcome)
    services.undo(application, now=NOW)
    with pytest.raises(ServiceError, match="no longer exists"):
        services.undo(application, now=NOW)


# ---------------------------------------------------------------------------- the rollout


def test_publish_due_publishes_each_week_at_its_instant(template, coach):
    athlete = AthleteFactory(coach=coach, time_zone="Asia/Tokyo")
    services.apply(template, targets([athlete]), publish_days_before=3, now=NOW)
    tz = athlete.tz

    def status(monday: date) -> str:
        return WeeklyPlan.objects.get(athlete=athlete, week_start=monday).status

    week2 = START + timedelta(weeks=1)
    instant = datetime.combine(week2 - timedelta(days=3), time(0), tzinfo=tz)
    assert status(START) == PlanStatus.PUBLISHED  # its instant had come when applied
    assert services.publish_due(now=instant - timedelta(seconds=1)) == 0
    assert status(week2) == PlanStatus.DRAFT
    assert services.publish_due(now=instant) == 1
    assert status(week2) == PlanStatus.PUBLISHED
    published_at = WeeklyPlan.objects.get(athlete=athlete, week_start=week2).published_at
    # Idempotent: again changes nothing, and the published one keeps its instant.
    assert services.publish_due(now=instant + timedelta(hours=5)) == 0
    assert WeeklyPlan.objects.get(athlete=athlete, week_start=week2).published_at == published_at


def test_publish_due_leaves_weeks_that_are_over_and_applications_without_rollout(template, coach):
    rolled, plain = AthleteFactory(coach=coach), AthleteFactory(coach=coach)
    services.apply(template, targets([plain]), now=NOW)
    services.apply(template, targets([rolled]), publish_days_before=0, now=NOW)
    # Unpublish week 1, which was published on apply (its instant, Monday 00:00, had not come:
    # 0 days before), then let it end: it is not published afterwards.
    assert WeeklyPlan.objects.get(athlete=rolled, week_start=START).status == PlanStatus.DRAFT
    after_week1 = datetime.combine(START + timedelta(days=7), time(0), tzinfo=rolled.tz)
    assert services.publish_due(now=after_week1) == 1  # week 2 only
    assert WeeklyPlan.objects.get(athlete=rolled, week_start=START).status == PlanStatus.DRAFT
    assert not WeeklyPlan.objects.filter(athlete=plain, status=PlanStatus.PUBLISHED).exists()


def test_preview_keeps_a_deadlift_that_already_fits(template, coach):
    athlete = AthleteFactory(coach=coach, time_zone="UTC")
    # Week 1's Tuesday 08:00 UTC: on the hard day, 9 h before the 18:00 interval run.
    LiftSessionFactory(athlete=athlete, start=datetime(2026, 12, 8, 8, tzinfo=UTC))
    (item,) = services.preview(template, targets([athlete]), now=NOW)
    deadlift = item.weeks[0].deadlift
    assert deadlift is not None
    assert (deadlift.outcome, deadlift.start) == ("unchanged", datetime(2026, 12, 8, 8, tzinfo=UTC))
    assert "already fits" in deadlift.reason


def test_apply_records_the_batch_and_reports_progress_when_every_athlete_fails(template, coach):
    from plan_templates.models import ApplyBatch

    batch = ApplyBatch.objects.create(coach=coach, template=template, targets=[])
    calls: list[tuple[int, int]] = []
    outcomes = services.apply(
        template,
        targets([AthleteFactory()]),
        now=NOW,
        batch=batch,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert [o.status for o in outcomes] == ["failed"] and calls == [(1, 1)]
    mine = AthleteFactory(coach=coach)
    (outcome,) = services.apply(template, targets([mine]), now=NOW, batch=batch)
    assert applied(outcome).batch == batch
