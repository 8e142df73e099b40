"""Importing run files for one athlete: read each file (workouts.run_files), match the runs to
the athlete's planned runs (plans.domain.matching), and write them, whatever the number of
files, in a fixed number of queries: the existing files and the candidate runs are read once,
everything is written in bulk.

Each file is imported, ignored (a duplicate, with why) or rejected (a bad file, with why). A
rejected or ignored file writes nothing, and does not stop the others. The good files of one
upload are written in one transaction: each file's writes are all or nothing because the batch
is. A concurrent upload of the same file makes the batch meet a unique constraint; it is then
read and matched again, once, and the file answered as a duplicate."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db import IntegrityError
from django.db.models import Q

from athletes.models import Athlete
from athletes.transactions import atomic_with_retry
from plans.domain import matching
from plans.domain.weeks import week_of
from plans.models import WeeklyPlan
from workouts.models import RunFile, RunKind, RunSession, SessionStatus
from workouts.run_files import RunFileError, RunRecord, read_run_file

# Unplanned runs are easy runs until the coach says otherwise (the run's edit page).
UNPLANNED_KIND = RunKind.EASY


@dataclass(frozen=True)
class UploadedRunFile:
    name: str
    content: bytes  # at most the limit and one byte more: that is enough to refuse it


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    IGNORED = "ignored"
    REJECTED = "rejected"


@dataclass(frozen=True)
class FileResult:
    filename: str
    status: ImportStatus
    message: str
    run: RunSession | None = None
    unplanned: bool = False  # imported as a new run, no planned run being free that day


@dataclass(frozen=True)
class _Parsed:
    key: int
    upload: UploadedRunFile
    record: RunRecord
    sha256: str


def import_run_files(
    *, athlete: Athlete, files: Sequence[UploadedRunFile], now: datetime, max_bytes: int
) -> list[FileResult]:
    """One result per file, in the order given."""
    results: dict[int, FileResult] = {}
    parsed: list[_Parsed] = []
    for key, upload in enumerate(files):
        try:
            record = read_run_file(upload.name, upload.content, max_bytes=max_bytes)
        except RunFileError as error:
            results[key] = FileResult(upload.name, ImportStatus.REJECTED, str(error))
            continue
        if record.start > now:
            results[key] = FileResult(
                upload.name,
                ImportStatus.REJECTED,
                f"{upload.name}: the run starts after now "
                f"({_local(record.start, athlete)}); check the watch's clock.",
            )
            continue
        digest = hashlib.sha256(upload.content).hexdigest()
        parsed.append(_Parsed(key, upload, record, digest))
    if parsed:
        try:
            results.update(_store(athlete, parsed, now))
        except IntegrityError:
            # Another upload stored one of these files meanwhile: read again; it is a duplicate.
            results.update(_store(athlete, parsed, now))
    return [results[key] for key in range(len(files))]


def _local(moment: datetime, athlete: Athlete) -> str:
    return f"{moment.astimezone(athlete.tz):%a %d %b %H:%M}"


def _day_bounds(files: Sequence[_Parsed], athlete: Athlete) -> tuple[datetime, datetime]:
    days = [f.record.start.astimezone(athlete.tz).date() for f in files]
    first, last = min(days), max(days) + timedelta(days=1)
    return (
        datetime.combine(first, datetime.min.time(), tzinfo=athlete.tz),
        datetime.combine(last, datetime.min.time(), tzinfo=athlete.tz),
    )


@atomic_with_retry
def _store(athlete: Athlete, files: Sequence[_Parsed], now: datetime) -> dict[int, FileResult]:
    imported = list(
        RunFile.objects.filter(athlete=athlete)
        .filter(
            Q(sha256__in=[f.sha256 for f in files])
            | Q(started_at__in=[f.record.start for f in files])
        )
        .values_list("sha256", "started_at")
    )
    first, end = _day_bounds(files, athlete)
    candidates = {
        run.pk: run
        for run in RunSession.objects.filter(
            athlete=athlete, start__gte=first, start__lt=end, run_file__isnull=True
        ).exclude(status=SessionStatus.SKIPPED)
    }
    outcomes = matching.match_files(
        [matching.FileToMatch(f.key, f.record.start, f.sha256) for f in files],
        [matching.RunToMatch(run.pk, run.start) for run in candidates.values()],
        time_zone=athlete.tz,
        imported_hashes=[sha for sha, _ in imported],
        imported_starts=[start for _, start in imported],
    )
    results: dict[int, FileResult] = {}
    done_runs: dict[int, RunSession] = {}
    new_runs: dict[int, RunSession] = {}
    for file in files:
        record, name = file.record, file.upload.name
        match outcomes[file.key]:
            case matching.Duplicate(reason):
                results[file.key] = FileResult(name, ImportStatus.IGNORED, f"{name}: {reason}")
            case matching.Matched(run_id):
                run = candidates[run_id]
                run.status = SessionStatus.DONE
                run.actual_start = record.start
                run.actual_duration_minutes = record.elapsed_minutes
                if record.distance_km is not None:
                    run.distance_km = record.distance_km
                done_runs[file.key] = run
            case matching.Unplanned():
                new_runs[file.key] = RunSession(
                    athlete=athlete,
                    kind=UNPLANNED_KIND,
                    start=record.start,
                    duration_minutes=record.elapsed_minutes,
                    status=SessionStatus.DONE,
                    actual_start=record.start,
                    actual_duration_minutes=record.elapsed_minutes,
                    distance_km=record.distance_km,
                    unplanned=True,
                )
    RunSession.objects.bulk_update(
        done_runs.values(),
        ["status", "actual_start", "actual_duration_minutes", "distance_km"],
    )
    _attach_plans(athlete, list(new_runs.values()))
    RunSession.objects.bulk_create(new_runs.values())
    RunFile.objects.bulk_create(
        RunFile(
            athlete=athlete,
            run=made,
            sha256=file.sha256,
            filename=file.upload.name[:255],
            size_bytes=len(file.upload.content),
            format=file.record.format.value,
            started_at=file.record.start,
            elapsed_seconds=int(file.record.elapsed.total_seconds()),
            distance_km=file.record.distance_km,
            avg_heart_rate=file.record.avg_heart_rate,
            unplanned=file.key in new_runs,
            imported_at=now,
        )
        for file in files
        if (made := done_runs.get(file.key) or new_runs.get(file.key)) is not None
    )
    for file in files:
        record, name = file.record, file.upload.name
        what = f"done {_local(record.start, athlete)}, {record.elapsed_minutes} min" + (
            f", {record.distance_km} km" if record.distance_km is not None else ""
        )
        if matched := done_runs.get(file.key):
            results[file.key] = FileResult(
                name,
                ImportStatus.IMPORTED,
                f"{name}: the {matched.get_kind_display().lower()} run planned for "
                f"{_local(matched.start, athlete)}, {what}.",
                run=matched,
            )
        elif created := new_runs.get(file.key):
            results[file.key] = FileResult(
                name,
                ImportStatus.IMPORTED,
                f"{name}: no planned run left that day; a new easy run, {what}.",
                run=created,
                unplanned=True,
            )
    return results


def _attach_plans(athlete: Athlete, runs: list[RunSession]) -> None:
    """Each new run into the plan of its local week (RunSession.save does this one row at a
    time; bulk_create does not call save): the weeks' plans read once, the missing ones made
    as drafts in one write."""
    if not runs:
        return
    plans = WeeklyPlan.objects.for_weeks(athlete, {week_of(run.start, athlete.tz) for run in runs})
    for run in runs:
        run.plan = plans[week_of(run.start, athlete.tz)]
