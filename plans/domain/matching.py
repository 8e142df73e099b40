"""Which planned run a run file belongs to: pure, no database, no clock.

A file goes to a run of the same local day (the athlete's zone) whose planned start is nearest
to the file's start. Several files of one upload may want the same run: the pairs of a day are
taken nearest first (ties: the earlier file, then the earlier run), so the file nearest to a run
wins it and the other takes the next nearest run still free that day; a file left without one
becomes a done, unplanned run. Taking pairs nearest-first is a stable matching: no file and run
of one day would both rather have each other than what they got.

Duplicates are ignored, with the reason: the same content (SHA-256) imported before or earlier
in the same upload, or a start equal to that of a file imported before or earlier in the
upload (the same run exported twice, as FIT and as GPX)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class FileToMatch:
    key: int  # the caller's index of the file
    start: datetime  # aware
    sha256: str


@dataclass(frozen=True)
class RunToMatch:
    """A run a file may make done: not skipped, not made done by a file before."""

    id: int
    start: datetime  # the planned start, aware


@dataclass(frozen=True)
class Matched:
    run_id: int


@dataclass(frozen=True)
class Unplanned:
    """No run of that day was free: the file becomes a done run of its own."""


@dataclass(frozen=True)
class Duplicate:
    reason: str


type Outcome = Matched | Unplanned | Duplicate

SAME_CONTENT_BEFORE = "the same file was imported before."
SAME_START_BEFORE = "a run starting at the same moment was imported before."
SAME_CONTENT_HERE = "the same file is earlier in this upload."
SAME_START_HERE = "a file earlier in this upload starts at the same moment."


def match_files(
    files: Sequence[FileToMatch],
    runs: Iterable[RunToMatch],
    *,
    time_zone: ZoneInfo,
    imported_hashes: Iterable[str] = (),
    imported_starts: Iterable[datetime] = (),
) -> dict[int, Outcome]:
    """An outcome for every file's key. Files are taken in the order given for duplicates."""
    outcomes: dict[int, Outcome] = {}
    hashes, starts = set(imported_hashes), set(imported_starts)
    seen_hashes: set[str] = set()
    seen_starts: set[datetime] = set()
    fresh: list[FileToMatch] = []
    for file in files:
        if file.sha256 in hashes:
            outcomes[file.key] = Duplicate(SAME_CONTENT_BEFORE)
        elif file.start in starts:
            outcomes[file.key] = Duplicate(SAME_START_BEFORE)
        elif file.sha256 in seen_hashes:
            outcomes[file.key] = Duplicate(SAME_CONTENT_HERE)
        elif file.start in seen_starts:
            outcomes[file.key] = Duplicate(SAME_START_HERE)
        else:
            fresh.append(file)
        seen_hashes.add(file.sha256)
        seen_starts.add(file.start)

    def day(moment: datetime) -> date:
        return moment.astimezone(time_zone).date()

    runs_by_day: dict[date, list[RunToMatch]] = {}
    for run in runs:
        runs_by_day.setdefault(day(run.start), []).append(run)
    pairs = sorted(
        (
            (abs(file.start - run.start), order, run.start, run.id, file.key)
            for order, file in enumerate(fresh)
            for run in runs_by_day.get(day(file.start), ())
        ),
    )
    taken_runs: set[int] = set()
    for _gap, _order, _run_start, run_id, key in pairs:
        if key in outcomes or run_id in taken_runs:
            continue
        outcomes[key] = Matched(run_id)
        taken_runs.add(run_id)
    for file in fresh:
        outcomes.setdefault(file.key, Unplanned())
    return outcomes
