"""The plain data the rules, the scheduler and the prescription read and return.

Instants are aware datetimes; every instant this package computes is in UTC, because Python
subtracts and compares two datetimes that share one tzinfo by their wall clocks, which would
hide a DST change inside a gap.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import ClassVar
from zoneinfo import ZoneInfo

from plans.domain.constants import (
    DEADLIFT,
    DEFAULT_LOAD_INCREMENT_KG,
    DEFAULT_TRAINING_WINDOW_END,
    DEFAULT_TRAINING_WINDOW_START,
    DONE,
    INTERVAL,
    PLANNED,
    SKIPPED,
)
from plans.domain.format import join_and, local_time_label, plural, set_numbers
from plans.domain.weeks import week_bounds


def _require_aware(what: str, moment: datetime | None) -> None:
    if moment is not None and moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, got {moment!r}.")


@dataclass(frozen=True)
class AthleteSettings:
    athlete_id: int
    time_zone: ZoneInfo
    training_window_start: time = DEFAULT_TRAINING_WINDOW_START
    training_window_end: time = DEFAULT_TRAINING_WINDOW_END
    load_increment_kg: Decimal = DEFAULT_LOAD_INCREMENT_KG


def missed(status: str, planned_end: datetime, now: datetime) -> bool:
    """Planned, and its planned end is before now: it did not happen (or nobody said so). The
    rules still judge it as planned; only the pages and the scheduler tell it apart. The one
    definition: the domain's sessions and the Django models both ask it."""
    return status == PLANNED and planned_end < now


class _Timed:
    """When a session really happened: a done session with both an actual start and an actual
    duration is judged by those, any other by its plan."""

    start: datetime
    duration_minutes: int
    status: str
    actual_start: datetime | None
    actual_duration_minutes: int | None

    @property
    def is_skipped(self) -> bool:
        return self.status == SKIPPED

    @property
    def _uses_actuals(self) -> bool:
        return (
            self.status == DONE
            and self.actual_start is not None
            and self.actual_duration_minutes is not None
        )

    @property
    def effective_start(self) -> datetime:
        if self._uses_actuals and self.actual_start is not None:
            return self.actual_start.astimezone(UTC)
        return self.start.astimezone(UTC)

    @property
    def effective_duration(self) -> timedelta:
        if self._uses_actuals and self.actual_duration_minutes is not None:
            return timedelta(minutes=self.actual_duration_minutes)
        return timedelta(minutes=self.duration_minutes)

    @property
    def effective_end(self) -> datetime:
        return self.effective_start + self.effective_duration

    @property
    def planned_end(self) -> datetime:
        return self.start.astimezone(UTC) + timedelta(minutes=self.duration_minutes)

    def is_missed(self, now: datetime) -> bool:
        return missed(self.status, self.planned_end, now)


@dataclass(frozen=True)
class RunSession(_Timed):
    id: int
    kind: str
    start: datetime
    duration_minutes: int
    status: str
    actual_start: datetime | None = None
    actual_duration_minutes: int | None = None
    unplanned: bool = False  # done without a plan (a run file that matched no planned run)

    def __post_init__(self) -> None:
        _require_aware("A run's start", self.start)
        _require_aware("A run's actual start", self.actual_start)

    @property
    def is_interval(self) -> bool:
        return self.kind == INTERVAL


@dataclass(frozen=True)
class LiftSet:
    id: int | None
    order: int
    is_warmup: bool
    target_reps: int | None
    target_load_kg: Decimal | None
    target_rir: int | None
    reps: int | None = None
    load_kg: Decimal | None = None
    rir: int | None = None
    failed: bool = False
    target_load_reason: str = ""

    @property
    def is_logged(self) -> bool:
        return self.reps is not None

    # A set is judged on its done values once logged, else on its targets. A logged set whose
    # RIR was not recorded has no judged RIR: the target says nothing about how it went.
    @property
    def judged_reps(self) -> int | None:
        return self.reps if self.is_logged else self.target_reps

    @property
    def judged_rir(self) -> int | None:
        return self.rir if self.is_logged else self.target_rir

    @property
    def judged_load_kg(self) -> Decimal | None:
        return self.load_kg if self.is_logged else self.target_load_kg


@dataclass(frozen=True)
class LiftSession(_Timed):
    id: int
    exercise: str
    start: datetime
    duration_minutes: int
    status: str
    actual_start: datetime | None = None
    actual_duration_minutes: int | None = None
    sets: tuple[LiftSet, ...] = ()

    def __post_init__(self) -> None:
        _require_aware("A lift session's start", self.start)
        _require_aware("A lift session's actual start", self.actual_start)

    @property
    def is_deadlift(self) -> bool:
        return self.exercise == DEADLIFT

    @property
    def is_logged(self) -> bool:
        """Done, or with a set logged: history, which no fix and no scheduler may rewrite."""
        return self.status == DONE or any(lift_set.is_logged for lift_set in self.sets)

    def is_missed(self, now: datetime) -> bool:
        return not self.is_logged and super().is_missed(now)

    def is_history(self, now: datetime) -> bool:
        """Logged, or under way (started, not yet over): where it is, it stays."""
        return self.is_logged or (
            self.status == PLANNED and self.start.astimezone(UTC) <= now < self.planned_end
        )

    def set_number(self, lift_set: LiftSet) -> int:
        """The set's number among its kind, from 1 (format.set_numbers): "Set 1" is the first
        working set, whatever warm-ups come before it."""
        ordered = sorted(self.sets, key=lambda s: s.order)
        numbers = set_numbers(s.is_warmup for s in ordered)
        return numbers[[s.order for s in ordered].index(lift_set.order)]

    @property
    def working_sets(self) -> tuple[LiftSet, ...]:
        return tuple(sorted((s for s in self.sets if not s.is_warmup), key=lambda s: s.order))

    @property
    def counted_working_sets(self) -> tuple[LiftSet, ...]:
        """The working sets that make the session's volume: the targets while it is planned,
        the logged sets once it is done."""
        if self.status == DONE:
            return tuple(s for s in self.working_sets if s.is_logged)
        return self.working_sets


@dataclass(frozen=True)
class AthleteWeek:
    athlete: AthleteSettings
    monday: date
    # May hold sessions of the neighbouring days too: their interval runs and their overlaps
    # matter, but only the week's own sessions are counted and judged.
    runs: tuple[RunSession, ...]
    lifts: tuple[LiftSession, ...]

    def __post_init__(self) -> None:
        if self.monday.weekday() != 0:
            raise ValueError(f"A week starts on a Monday; {self.monday} is not one.")

    @property
    def time_zone(self) -> ZoneInfo:
        return self.athlete.time_zone

    @cached_property
    def bounds(self) -> tuple[datetime, datetime]:
        return week_bounds(self.monday, self.athlete.time_zone)

    @cached_property
    def days(self) -> tuple[date, ...]:
        return tuple(self.monday + timedelta(days=offset) for offset in range(7))

    def owns(self, session: RunSession | LiftSession) -> bool:
        # By the planned start, like the plan a session belongs to: logging an actual start
        # late on a Sunday night does not move a session into the next week's plan.
        week_start, week_end = self.bounds
        return week_start <= session.start < week_end

    @cached_property
    def deadlifts(self) -> tuple[LiftSession, ...]:
        """The week's own deadlifts that were not skipped, in the order they happen."""
        return tuple(
            sorted(
                (
                    lift
                    for lift in self.lifts
                    if lift.is_deadlift and not lift.is_skipped and self.owns(lift)
                ),
                key=lambda lift: (lift.effective_start, lift.id),
            )
        )

    @cached_property
    def interval_runs(self) -> tuple[RunSession, ...]:
        """Every interval run given, neighbouring weeks included: all count for the 6 hours."""
        return tuple(
            sorted(
                (run for run in self.runs if run.is_interval and not run.is_skipped),
                key=lambda run: (run.effective_start, run.id),
            )
        )

    @cached_property
    def own_interval_runs(self) -> tuple[RunSession, ...]:
        return tuple(run for run in self.interval_runs if self.owns(run))

    @cached_property
    def hard_days(self) -> frozenset[date]:
        tz = self.athlete.time_zone
        return frozenset(
            run.effective_start.astimezone(tz).date() for run in self.own_interval_runs
        )

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.athlete.time_zone).date()


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


def _sets_label(set_numbers: tuple[int, ...]) -> str:
    if not set_numbers:
        return ""
    word = "set" if len(set_numbers) == 1 else "sets"
    return f" in {word} {join_and(str(number) for number in set_numbers)}"


@dataclass(frozen=True)
class MoveDeadlift:
    action: ClassVar[str] = "move_deadlift"
    session_id: int
    new_start: datetime
    # Only for the label: the athlete reads the time in their own zone.
    time_zone: ZoneInfo = ZoneInfo("UTC")

    @property
    def label(self) -> str:
        return f"Move the deadlift to {local_time_label(self.new_start, self.time_zone)}"


@dataclass(frozen=True)
class RemoveDeadlifts:
    action: ClassVar[str] = "remove_deadlifts"
    session_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        if len(self.session_ids) == 1:
            return "Remove the extra deadlift"
        return f"Remove {len(self.session_ids)} extra deadlifts"


@dataclass(frozen=True)
class DropWorkingSets:
    action: ClassVar[str] = "drop_working_sets"
    session_id: int
    set_ids: tuple[int, ...]
    # Only for the label: working sets numbered from 1 (LiftSession.set_number).
    set_numbers: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        if self.set_numbers:
            word = "set" if len(self.set_numbers) == 1 else "sets"
            return f"Drop {word} {join_and(str(number) for number in self.set_numbers)}"
        return f"Drop {plural(len(self.set_ids), 'working set')}"


@dataclass(frozen=True)
class AddWorkingSets:
    action: ClassVar[str] = "add_working_sets"
    session_id: int
    count: int

    @property
    def label(self) -> str:
        return f"Add {plural(self.count, 'working set')}"


@dataclass(frozen=True)
class SetTargetReps:
    action: ClassVar[str] = "set_target_reps"
    session_id: int
    set_ids: tuple[int, ...]
    reps: int
    # Only for the label: working sets numbered from 1 (LiftSession.set_number).
    set_numbers: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        return f"Target {plural(self.reps, 'rep')}{_sets_label(self.set_numbers)}"


@dataclass(frozen=True)
class SetTargetRir:
    action: ClassVar[str] = "set_target_rir"
    session_id: int
    set_ids: tuple[int, ...]
    rir: int
    # Only for the label: working sets numbered from 1 (LiftSession.set_number).
    set_numbers: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        return f"Target RIR {self.rir}{_sets_label(self.set_numbers)}"


@dataclass(frozen=True)
class ScheduleDeadlift:
    action: ClassVar[str] = "schedule_deadlift"

    @property
    def label(self) -> str:
        return "Schedule this week's deadlift"


Fix = (
    MoveDeadlift
    | RemoveDeadlifts
    | DropWorkingSets
    | AddWorkingSets
    | SetTargetReps
    | SetTargetRir
    | ScheduleDeadlift
)


@dataclass(frozen=True)
class Violation:
    code: str
    severity: Severity
    # The finding with the advice quoted, as the API and the phone say it.
    message: str
    session_ids: tuple[int, ...]
    fix: Fix | None
    # The same in two parts, for pages that set the advice apart: what is wrong in plain words
    # (with the scheduler's reason when there is one), and the advice's own words.
    finding: str = ""
    advice: str = ""
