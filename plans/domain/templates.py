"""One week of a plan template, expanded for one athlete.

A template week holds runs by weekday and local clock time. For an athlete they become runs at
that clock time in the athlete's own zone on the weekday of the given local week, unless the run
cannot go there, and then it is reported with the reason, never silently moved:

- `nonexistent_time`: the clock time does not exist that day (a DST jump skips it). A time that
  happens twice (the hour repeated when clocks go back) is its first occurrence.
- `past`: it would start at or before now (DOMAIN.md "The present": nothing is planned into
  the past).
- `outside_window`: the whole run does not fit the athlete's training window that day (as for
  the scheduler: start at or after the window's start, end at or before its end, same day).
- `overlap`: it overlaps one of the athlete's sessions that is not skipped (a run or a lift).
  Runs may overlap each other in the app, but a template run landing on a run that is already
  there is a clash the coach must see.

Runs of the template itself may overlap each other: that is the template's design.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from plans.domain.format import dated_time_label, local_time_label
from plans.domain.types import AthleteSettings, LiftSession, RunSession

NONEXISTENT_TIME = "nonexistent_time"
PAST = "past"
OUTSIDE_WINDOW = "outside_window"
OVERLAP = "overlap"
REASONS = (NONEXISTENT_TIME, PAST, OUTSIDE_WINDOW, OVERLAP)

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class TemplateRunSpec:
    """A run of a template week: when in the athlete's local week, and what."""

    weekday: int  # 0 = Monday .. 6 = Sunday
    start_time: time
    kind: str
    duration_minutes: int
    distance_km: Decimal | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"A weekday is 0 (Monday) to 6 (Sunday), not {self.weekday}.")
        if self.duration_minutes < 1:
            raise ValueError(f"A run lasts at least a minute, not {self.duration_minutes}.")

    @property
    def label(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {self.start_time:%H:%M} {self.kind} run"


@dataclass(frozen=True)
class TemplateWeekSpec:
    """A week of a template: its runs, and whether it has a deadlift (sets x reps)."""

    number: int  # 1 = the block's first week
    runs: tuple[TemplateRunSpec, ...] = ()
    has_deadlift: bool = False
    deadlift_sets: int = 3
    deadlift_reps: int = 3


@dataclass(frozen=True)
class PlannedRun:
    """A template run as it will be created: an aware UTC start."""

    spec: TemplateRunSpec
    day: date  # the athlete's local day
    start: datetime  # UTC

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.spec.duration_minutes)


@dataclass(frozen=True)
class ReportedRun:
    """A template run not created, and why (`reason` one of REASONS, `message` in words)."""

    spec: TemplateRunSpec
    day: date
    start: datetime | None  # UTC; None when the local time does not exist that day
    reason: str
    message: str


@dataclass(frozen=True)
class WeekExpansion:
    monday: date
    created: tuple[PlannedRun, ...]
    reported: tuple[ReportedRun, ...]


def local_instant(day: date, clock_time: time, athlete: AthleteSettings) -> datetime | None:
    """The UTC instant of the clock time on the athlete's local day; None when a DST jump skips
    it. A repeated clock time is its first occurrence (zoneinfo's fold=0)."""
    tz = athlete.time_zone
    local = datetime.combine(day, clock_time, tzinfo=tz)
    instant = local.astimezone(UTC)
    back = instant.astimezone(tz)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def fits_window(start: datetime, duration: timedelta, athlete: AthleteSettings) -> bool:
    """The whole session inside the training window of its local day."""
    tz = athlete.time_zone
    local_start, local_end = start.astimezone(tz), (start + duration).astimezone(tz)
    return (
        local_start.date() == local_end.date()
        and local_start.time() >= athlete.training_window_start
        and local_end.time() <= athlete.training_window_end
    )


def expand_week(
    runs: Iterable[TemplateRunSpec],
    *,
    athlete: AthleteSettings,
    monday: date,
    existing: Sequence[RunSession | LiftSession],
    now: datetime,
) -> WeekExpansion:
    """The template week's runs for the athlete's local week starting `monday`: those to
    create, and those reported with their reason. `existing` are the athlete's sessions around
    the week (others are ignored); skipped ones count for nothing."""
    if monday.weekday() != 0:
        raise ValueError(f"A week starts on a Monday; {monday} is not one.")
    if now.utcoffset() is None:
        raise ValueError(f"now must be an aware datetime, got {now!r}.")
    tz = athlete.time_zone
    busy = sorted(
        (
            (session.effective_start, session.effective_end, session)
            for session in existing
            if not session.is_skipped
        ),
        key=lambda item: (item[0], item[1], item[2].id),
    )
    created: list[PlannedRun] = []
    reported: list[ReportedRun] = []
    for spec in sorted(runs, key=lambda s: (s.weekday, s.start_time, s.kind)):
        day = monday + timedelta(days=spec.weekday)
        start = local_instant(day, spec.start_time, athlete)
        if start is None:
            reported.append(
                ReportedRun(
                    spec,
                    day,
                    None,
                    NONEXISTENT_TIME,
                    f"{spec.label}: {spec.start_time:%H:%M} does not exist on "
                    f"{day:%a %d %b %Y} in {tz.key} (the clocks jump over it).",
                )
            )
            continue
        duration = timedelta(minutes=spec.duration_minutes)
        end = start + duration
        when = local_time_label(start, tz)
        if start <= now:
            reported.append(
                ReportedRun(
                    spec,
                    day,
                    start,
                    PAST,
                    f"{spec.label}: {dated_time_label(start, tz)} is in the past; nothing is "
                    "planned into the past.",
                )
            )
            continue
        if not fits_window(start, duration, athlete):
            reported.append(
                ReportedRun(
                    spec,
                    day,
                    start,
                    OUTSIDE_WINDOW,
                    f"{spec.label}: {when} to {end.astimezone(tz):%H:%M} is outside the training "
                    f"window ({athlete.training_window_start:%H:%M}-"
                    f"{athlete.training_window_end:%H:%M}); it is reported, not moved.",
                )
            )
            continue
        clash = next((s for b_start, b_end, s in busy if b_start < end and start < b_end), None)
        if clash is not None:
            what = f"{clash.kind} run" if isinstance(clash, RunSession) else clash.exercise
            reported.append(
                ReportedRun(
                    spec,
                    day,
                    start,
                    OVERLAP,
                    f"{spec.label}: {when} overlaps the {what} at "
                    f"{dated_time_label(clash.effective_start, tz)}; it is reported, not "
                    "silently moved.",
                )
            )
            continue
        created.append(PlannedRun(spec, day, start))
    return WeekExpansion(monday, tuple(created), tuple(reported))
