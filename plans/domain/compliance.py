"""Compliance: how well each past session matched its plan, as TrainingPeaks colours past
workouts, and the share of an athlete's recent sessions that did.

- green "On plan": done, for 80 % to 120 % of the planned duration, both ends included;
- yellow "Partial": done, for 50 % up to (not including) 80 %, or above 120 % up to 150 %;
- red "Off plan": done for under 50 % or over 150 % of the plan, missed, or skipped (the
  athlete said it did not happen: the plan was not followed, whoever decided it);
- no colour: a planned session whose planned end is not yet past (still to come, or under way),
  and an unplanned run (a run file that matched no planned run: there was no plan to follow).

A done session without an actual duration counts as its planned one (green), and so does a
lift with a set logged that nobody marked done (it happened; a lift with a logged set is never
missed). The bands are exact: the done duration is compared with the planned one in integers
(100 × done against 80 × planned, ...), so 79.5 % is yellow and 120.5 % is yellow.

A share over the last N local days counts the sessions that start on one of those days (today
and the N − 1 days before, in the athlete's time zone) and have a colour: its percent is the
green ones out of them, rounded down (100 % only when every one is green).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Protocol

from plans.domain.constants import DONE, PLANNED, SKIPPED

# "within ±20 %": on plan from 80 % to 120 % of the planned duration.
ON_PLAN_MIN_PERCENT = 80
ON_PLAN_MAX_PERCENT = 120
# Partial from 50 % (below it: off plan) and up to 150 % (above it: off plan).
PARTIAL_MIN_PERCENT = 50
PARTIAL_MAX_PERCENT = 150

# The dashboard's two windows, in local days ending today.
SHORT_WINDOW_DAYS = 7
LONG_WINDOW_DAYS = 28


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


# The colour's word, shown beside it: a colour is never the only sign.
COLOUR_WORDS = {Colour.GREEN: "On plan", Colour.YELLOW: "Partial", Colour.RED: "Off plan"}


class Why(StrEnum):
    ON_PLAN = "on_plan"
    SHORT = "short"
    LONG = "long"
    FAR_SHORT = "far_short"
    FAR_LONG = "far_long"
    MISSED = "missed"
    SKIPPED = "skipped"


_WHY_WORDS = {
    Why.ON_PLAN: "on plan",
    Why.SHORT: "short",
    Why.LONG: "long",
    Why.FAR_SHORT: "far too short",
    Why.FAR_LONG: "far too long",
    Why.MISSED: "missed",
    Why.SKIPPED: "skipped",
}


@dataclass(frozen=True)
class Mark:
    """One past session's compliance: its colour, why, and the done duration as a percent of
    the planned one (None when nothing was done)."""

    colour: Colour
    why: Why
    percent: int | None

    @property
    def word(self) -> str:
        return COLOUR_WORDS[self.colour]

    @property
    def label(self) -> str:
        """Like "On plan · 95 %", "Partial · short, 65 %", "Off plan · missed"."""
        detail = _WHY_WORDS[self.why] if self.why is not Why.ON_PLAN else ""
        if self.percent is not None:
            detail = f"{detail}, {self.percent} %" if detail else f"{self.percent} %"
        return f"{self.word} · {detail}"


def shown_percent(done_minutes: int, planned_minutes: int) -> int:
    """The done duration as a whole percent of the planned one, rounded away from 100, so the
    number shown always lies in its colour's band (79.5 % shows 79, 120.5 % shows 121)."""
    whole, rest = divmod(100 * done_minutes, planned_minutes)
    return whole + 1 if rest and whole >= 100 else whole


def duration_mark(done_minutes: int, planned_minutes: int) -> Mark:
    """The colour of a done session from its done and planned minutes (planned > 0)."""
    if planned_minutes <= 0:
        raise ValueError("A planned duration is at least a minute.")
    done = 100 * done_minutes  # compared with percent × planned: exact, no division
    percent = shown_percent(done_minutes, planned_minutes)
    if done < PARTIAL_MIN_PERCENT * planned_minutes:
        return Mark(Colour.RED, Why.FAR_SHORT, percent)
    if done < ON_PLAN_MIN_PERCENT * planned_minutes:
        return Mark(Colour.YELLOW, Why.SHORT, percent)
    if done <= ON_PLAN_MAX_PERCENT * planned_minutes:
        return Mark(Colour.GREEN, Why.ON_PLAN, percent)
    if done <= PARTIAL_MAX_PERCENT * planned_minutes:
        return Mark(Colour.YELLOW, Why.LONG, percent)
    return Mark(Colour.RED, Why.FAR_LONG, percent)


def judge(
    *,
    status: str,
    planned_minutes: int,
    actual_minutes: int | None,
    planned_end: datetime,
    now: datetime,
    logged: bool = False,
    unplanned: bool = False,
) -> Mark | None:
    """A session's mark at `now`, or None while it has none (still to come or under way) and
    for an unplanned run. `logged`: a lift with a set logged, which happened even if nobody
    marked it done."""
    if unplanned:
        return None
    if status == SKIPPED:
        return Mark(Colour.RED, Why.SKIPPED, None)
    if status == DONE:
        return duration_mark(actual_minutes or planned_minutes, planned_minutes)
    if status == PLANNED and logged:
        return duration_mark(planned_minutes, planned_minutes)
    if status == PLANNED and planned_end < now:  # missed: types.missed's definition
        return Mark(Colour.RED, Why.MISSED, None)
    return None


class Judged(Protocol):
    """What a mark is made from: the domain's RunSession and LiftSession, or a PastSession."""

    @property
    def start(self) -> datetime: ...
    @property
    def duration_minutes(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def actual_duration_minutes(self) -> int | None: ...
    @property
    def planned_end(self) -> datetime: ...


def _logged(session: Judged) -> bool:
    sets = getattr(session, "sets", ())
    return bool(getattr(session, "logged", False)) or any(s.is_logged for s in sets)


def mark(session: Judged, now: datetime) -> Mark | None:
    return judge(
        status=session.status,
        planned_minutes=session.duration_minutes,
        actual_minutes=session.actual_duration_minutes,
        planned_end=session.planned_end,
        now=now,
        logged=_logged(session),
        unplanned=bool(getattr(session, "unplanned", False)),
    )


@dataclass(frozen=True)
class PastSession:
    """A run or lift as the compliance windows read it: no more than a mark needs."""

    start: datetime
    duration_minutes: int
    status: str
    actual_duration_minutes: int | None = None
    logged: bool = False
    unplanned: bool = False

    @property
    def planned_end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class Share:
    """Of the sessions with a mark in a window, how many were green, yellow and red."""

    green: int = 0
    yellow: int = 0
    red: int = 0

    @property
    def judged(self) -> int:
        return self.green + self.yellow + self.red

    @property
    def percent(self) -> int | None:
        """The green ones as a percent of the judged ones, rounded down; None when none was
        judged (nothing to say, rather than 0 % or 100 %)."""
        return 100 * self.green // self.judged if self.judged else None

    def __add__(self, other: "Share") -> "Share":
        return Share(self.green + other.green, self.yellow + other.yellow, self.red + other.red)

    @classmethod
    def of(cls, marks: Iterable[Mark | None]) -> "Share":
        colours = [m.colour for m in marks if m is not None]
        return cls(
            colours.count(Colour.GREEN), colours.count(Colour.YELLOW), colours.count(Colour.RED)
        )


def share_over(sessions: Iterable[Judged], *, now: datetime, time_zone: tzinfo, days: int) -> Share:
    """The marks of the sessions starting on the last `days` local days (today included)."""
    return shares_over(sessions, now=now, time_zone=time_zone, windows=(days,))[0]


_COLOUR_INDEX = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}


def shares_over(
    sessions: Iterable[Judged], *, now: datetime, time_zone: tzinfo, windows: Sequence[int]
) -> tuple[Share, ...]:
    """share_over for each window (in days), in one pass: each session's local day and mark are
    found once (the dashboard's 28 days of a whole roster go through here)."""
    if not windows or min(windows) < 1:
        raise ValueError("A window is at least one day.")
    today = now.astimezone(time_zone).date()
    firsts = [today - timedelta(days=days - 1) for days in windows]
    earliest = min(firsts)
    counts = [[0, 0, 0] for _ in windows]
    for session in sessions:
        day = session.start.astimezone(time_zone).date()
        if not earliest <= day <= today:
            continue
        found = mark(session, now)
        if found is None:
            continue
        colour = _COLOUR_INDEX[found.colour]
        for count, first in zip(counts, firsts, strict=True):
            if day >= first:
                count[colour] += 1
    return tuple(Share(*count) for count in counts)


def shares_hold_until(sessions: Iterable[Judged], *, now: datetime, time_zone: tzinfo) -> datetime:
    """The first instant at or after which shares_over of these sessions may change by the
    clock alone: the next local midnight (the windows move on a day) or an open session's
    planned end (it turns red, missed), whichever is first. Before it, an answer computed at
    `now` still holds while the sessions stay as they are."""
    tomorrow = now.astimezone(time_zone).date() + timedelta(days=1)
    until = datetime.combine(tomorrow, datetime.min.time(), tzinfo=time_zone).astimezone(UTC)
    for session in sessions:
        if session.status == PLANNED and not _logged(session) and session.planned_end >= now:
            until = min(until, session.planned_end.astimezone(UTC))
    return until


def window_start(now: datetime, days: int) -> datetime:
    """An instant at or before the start of a `days` window's first local day, in any time
    zone: that day began less than `days` days (and a DST hour) before now. What a query
    reads from."""
    return now - timedelta(days=days + 1)


@dataclass(frozen=True)
class RunVolume:
    """A week's running volume, planned against done. Planned: every run of the week as the
    plan had it (skipped and missed ones too; planned durations, and the distance each run
    carries), but not the unplanned ones (no plan had them). Done: the done runs, each by its
    actual duration where one was given, else its planned one, and its distance."""

    planned_minutes: int = 0
    done_minutes: int = 0
    planned_km: Decimal = Decimal(0)
    done_km: Decimal = Decimal(0)

    @property
    def planned_hours(self) -> Decimal:
        return (Decimal(self.planned_minutes) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def done_hours(self) -> Decimal:
        return (Decimal(self.done_minutes) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class VolumeRun:
    status: str
    duration_minutes: int
    actual_duration_minutes: int | None = None
    distance_km: Decimal | None = None
    unplanned: bool = False


def run_volume(runs: Iterable[VolumeRun]) -> RunVolume:
    """Planned: the runs planned (an unplanned run was not); done: every run done."""
    planned_minutes = done_minutes = 0
    planned_km = done_km = Decimal(0)
    for run in runs:
        km = run.distance_km or Decimal(0)
        if not run.unplanned:
            planned_minutes += run.duration_minutes
            planned_km += km
        if run.status == DONE:
            done_minutes += run.actual_duration_minutes or run.duration_minutes
            done_km += km
    return RunVolume(planned_minutes, done_minutes, planned_km, done_km)
