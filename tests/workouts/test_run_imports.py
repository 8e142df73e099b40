"""Importing run files (workouts.run_imports): matched, unplanned, ignored and rejected files,
what is written (all or nothing per file), the week's verdict afterwards, and the number of
queries, which does not grow with the files."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import PlanStatus, WeeklyPlan
from plans.verdicts import roster_verdicts
from tests.factories import AthleteFactory, LiftSessionFactory, LiftSetFactory, RunSessionFactory
from tests.workouts.run_file_factory import fit_file, gpx_file, tcx_file
from workouts.models import RunFile, RunKind, RunSession, SessionStatus
from workouts.run_files import DEFAULT_MAX_BYTES
from workouts.run_imports import ImportStatus, UploadedRunFile, import_run_files

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 11 November 2026 (2026-W46), Berlin at UTC+1; "now" is the Saturday after.
NOW = datetime(2026, 11, 14, 12, tzinfo=UTC)
MONDAY = date(2026, 11, 9)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


def run_import(athlete, *files, now=NOW, max_bytes=DEFAULT_MAX_BYTES):
    uploads = [UploadedRunFile(name, content) for name, content in files]
    return import_run_files(athlete=athlete, files=uploads, now=now, max_bytes=max_bytes)


@pytest.fixture
def athlete(coach):
    return AthleteFactory(coach=coach, time_zone="Europe/Berlin")


def test_a_file_makes_the_nearest_planned_run_of_its_day_done_with_its_real_times(athlete):
    morning = RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=at(11, 7))
    evening = RunSessionFactory(athlete=athlete, kind=RunKind.EASY, start=at(11, 19))
    [result] = run_import(athlete, ("wed.fit", fit_file(at(11, 18, 5), minutes=52.5)))
    assert result.status == ImportStatus.IMPORTED
    assert result.run == evening and not result.unplanned
    assert result.message == (
        "wed.fit: the easy run planned for Wed 11 Nov 19:00, done Wed 11 Nov 18:05, 53 min, "
        "8.50 km."
    )
    evening.refresh_from_db()
    assert evening.status == SessionStatus.DONE
    assert evening.actual_start == at(11, 18, 5)
    assert evening.actual_duration_minutes == 53
    assert evening.distance_km == Decimal("8.50")
    assert evening.start == at(11, 19) and evening.duration_minutes == 60  # the plan stays
    morning.refresh_from_db()
    assert morning.status == SessionStatus.PLANNED
    stored = RunFile.objects.get()
    assert (stored.run, stored.filename, stored.format, stored.unplanned) == (
        evening,
        "wed.fit",
        "fit",
        False,
    )
    assert (stored.started_at, stored.elapsed_seconds, stored.avg_heart_rate) == (
        at(11, 18, 5),
        3150,
        148,
    )
    assert stored.imported_at == NOW and len(stored.sha256) == 64


def test_a_file_with_no_planned_run_that_day_becomes_a_done_easy_run(athlete):
    RunSessionFactory(athlete=athlete, start=at(12, 7))
    [result] = run_import(athlete, ("tue.gpx", gpx_file(at(10, 6, 30), minutes=40)))
    assert result.status == ImportStatus.IMPORTED and result.unplanned
    run = RunSession.objects.get(pk=result.run.pk)
    assert (run.kind, run.status, run.start, run.duration_minutes) == (
        RunKind.EASY,
        SessionStatus.DONE,
        at(10, 6, 30),
        40,
    )
    assert (run.actual_start, run.actual_duration_minutes) == (at(10, 6, 30), 40)
    assert run.plan.week_start == MONDAY and run.plan.status == PlanStatus.DRAFT
    assert result.message.startswith("tue.gpx: no planned run left that day; a new easy run")
    assert RunFile.objects.get().unplanned


def test_an_unplanned_run_joins_the_weeks_existing_plan(athlete):
    plan = WeeklyPlan.objects.create(athlete=athlete, week_start=MONDAY)
    [result] = run_import(athlete, ("r.tcx", tcx_file(at(13, 17))))
    assert RunSession.objects.get(pk=result.run.pk).plan == plan


def test_a_skipped_run_and_a_run_made_done_by_a_file_are_not_matched_again(athlete):
    RunSessionFactory(athlete=athlete, start=at(11, 7), status=SessionStatus.SKIPPED)
    [first] = run_import(athlete, ("a.fit", fit_file(at(11, 7, 5))))
    assert first.unplanned
    [second] = run_import(athlete, ("b.fit", fit_file(at(11, 9))))
    assert second.unplanned and second.run != first.run


def test_a_run_marked_done_by_hand_gets_the_files_real_times(athlete):
    run = RunSessionFactory(
        athlete=athlete,
        start=at(11, 7),
        status=SessionStatus.DONE,
        actual_start=at(11, 7),
        actual_duration_minutes=60,
    )
    [result] = run_import(athlete, ("a.fit", fit_file(at(11, 7, 40), minutes=33)))
    assert result.run == run
    run.refresh_from_db()
    assert (run.actual_start, run.actual_duration_minutes) == (at(11, 7, 40), 33)


def test_the_same_file_twice_is_ignored_and_writes_nothing(athlete):
    content = fit_file(at(11, 7))
    run_import(athlete, ("a.fit", content))
    runs = list(RunSession.objects.values_list("pk", "actual_start"))
    [again] = run_import(athlete, ("renamed.fit", content))
    assert (again.status, again.message) == (
        ImportStatus.IGNORED,
        "renamed.fit: the same file was imported before.",
    )
    assert list(RunSession.objects.values_list("pk", "actual_start")) == runs
    assert RunFile.objects.count() == 1


def test_the_same_run_as_another_format_is_ignored_by_its_start(athlete):
    run_import(athlete, ("a.fit", fit_file(at(11, 7))))
    [again] = run_import(athlete, ("a.gpx", gpx_file(at(11, 7))))
    assert (again.status, again.message) == (
        ImportStatus.IGNORED,
        "a.gpx: a run starting at the same moment was imported before.",
    )
    [other] = run_import(athlete, ("b.gpx", gpx_file(at(11, 7) + timedelta(seconds=1))))
    assert other.status == ImportStatus.IMPORTED


def test_another_athletes_files_are_no_duplicates(athlete, coach):
    content = fit_file(at(11, 7))
    run_import(AthleteFactory(coach=coach), ("a.fit", content))
    assert run_import(athlete, ("a.fit", content))[0].status == ImportStatus.IMPORTED


def test_bad_files_are_rejected_by_name_and_the_others_still_imported(athlete):
    planned = RunSessionFactory(athlete=athlete, start=at(11, 7))
    results = run_import(
        athlete,
        ("empty.fit", b""),
        ("good.fit", fit_file(at(11, 7, 10))),
        ("ride.tcx", tcx_file(at(12, 7), sport="Biking")),
        ("cut.gpx", gpx_file(at(13, 7))[:-30]),
        ("good.gpx", gpx_file(at(14, 8))),
    )
    assert [r.status for r in results] == [
        ImportStatus.REJECTED,
        ImportStatus.IMPORTED,
        ImportStatus.REJECTED,
        ImportStatus.REJECTED,
        ImportStatus.IMPORTED,
    ]
    assert results[0].message == "empty.fit: the file is empty."
    assert results[2].message == "ride.tcx: the activity is 'Biking', not a run."
    assert results[1].run == planned
    assert RunFile.objects.count() == 2
    assert RunSession.objects.count() == 2


def test_a_file_over_the_limit_is_rejected_and_one_at_the_limit_imported(athlete):
    content = fit_file(at(11, 7))
    [over] = run_import(athlete, ("big.fit", content), max_bytes=len(content) - 1)
    assert over.status == ImportStatus.REJECTED and "larger than the limit" in over.message
    assert not RunSession.objects.exists()
    [at_limit] = run_import(athlete, ("big.fit", content), max_bytes=len(content))
    assert at_limit.status == ImportStatus.IMPORTED


def test_a_run_that_starts_after_now_is_rejected(athlete):
    now = at(11, 7)
    [later] = run_import(athlete, ("a.fit", fit_file(now + timedelta(seconds=1))), now=now)
    assert later.status == ImportStatus.REJECTED
    assert later.message == (
        "a.fit: the run starts after now (Wed 11 Nov 07:00); check the watch's clock."
    )
    [exactly] = run_import(athlete, ("b.fit", fit_file(now)), now=now)
    assert exactly.status == ImportStatus.IMPORTED


def test_one_upload_two_files_for_one_run_the_nearer_wins(athlete):
    planned = RunSessionFactory(athlete=athlete, start=at(11, 7))
    far, near = run_import(
        athlete, ("far.fit", fit_file(at(11, 17))), ("near.fit", fit_file(at(11, 6, 50)))
    )
    assert near.run == planned and not near.unplanned
    assert far.unplanned and far.run != planned


def test_the_stored_verdict_follows_the_real_times(athlete, coach):
    """An interval run done at 14:00 instead of 07:00 ends 2 h 10 before the 17:00 deadlift."""
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=at(11, 7), duration_minutes=50)
    lift = LiftSessionFactory(athlete=athlete, start=at(11, 17))
    for order in (1, 2, 3):
        LiftSetFactory(session=lift, order=order)
    before = roster_verdicts(coach=coach, week=MONDAY)[0].verdict
    assert "deadlift.too_close_to_intervals" not in [code for code, _ in before["flags"]]
    run_import(athlete, ("late.fit", fit_file(at(11, 14), minutes=50)))
    after = roster_verdicts(coach=coach, week=MONDAY)[0].verdict
    assert "deadlift.too_close_to_intervals" in [code for code, _ in after["flags"]]
    assert after["done"] == before["done"] + 1


def _upload_of(count: int) -> list[tuple[str, bytes]]:
    # One file a day, going back from Friday 13 November; every other day has a planned run.
    return [
        (f"run-{i}.fit", fit_file(at(13, 7) - timedelta(days=i), minutes=30 + i % 20))
        for i in range(count)
    ]


def _queries_for(athlete, files) -> int:
    for i in range(0, len(files), 2):
        RunSessionFactory(athlete=athlete, start=at(13, 8) - timedelta(days=i))
    with CaptureQueriesContext(connection) as queries:
        results = run_import(athlete, *files)
    assert {r.status for r in results} == {ImportStatus.IMPORTED}
    return len(queries)


def test_the_queries_do_not_grow_with_the_files(coach):
    one = _queries_for(AthleteFactory(coach=coach), _upload_of(2))
    hundred = _queries_for(AthleteFactory(coach=coach), _upload_of(100))
    assert hundred == one
    # Read the files' and the runs' rows and the weeks' plans; write the matched runs, the new
    # runs and the files (and the missing plans, none here): 6, plus the savepoint's two.
    assert hundred == 8
    assert RunFile.objects.count() == 102


def test_duplicates_of_a_hundred_files_cost_the_same_queries(athlete):
    files = _upload_of(100)
    run_import(athlete, *files)
    with CaptureQueriesContext(connection) as queries:
        results = run_import(athlete, *files)
    assert {r.status for r in results} == {ImportStatus.IGNORED}
    assert len(queries) <= 10


def test_making_the_missing_plans_is_one_more_query_for_any_number_of_weeks(coach):
    counts = []
    for weeks in (1, 14):
        athlete = AthleteFactory(coach=coach)
        files = [(f"{i}.fit", fit_file(at(13, 7) - timedelta(days=7 * i))) for i in range(weeks)]
        with CaptureQueriesContext(connection) as queries:
            run_import(athlete, *files)
        counts.append(len(queries))
        assert WeeklyPlan.objects.filter(athlete=athlete).count() == weeks
    assert counts == [8, 8]
