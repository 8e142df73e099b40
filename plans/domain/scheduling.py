"""Where the week's one deadlift goes.

Candidate starts lie on a 15-minute grid of the athlete's local time on each of the week's seven
local days. A candidate must keep the whole session inside the training window of its day,
overlap no other session, and end 6 h before / start 6 h after every interval run (real elapsed
time, neighbouring weeks' runs included). "Preferably on your Hard day": a hard-day candidate
wins whenever one exists.

Preference, the same on hard days and in the fallback: the candidate whose smallest gap to any
interval run is largest, ties going to the earliest start. That puts the pull as far from the
intervals as the window and the other sessions allow. Without any interval run in reach every
candidate ties, so the earliest free time of the week wins.

The present (`now`, always an argument): no candidate starts before the first grid slot at least
SCHEDULING_LEAD after now. A deadlift that is logged or under way is history and stays; a missed
one (planned, over, nothing logged) moves to the best slot still ahead, or stays with `no_slot`;
a week that is over changes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Literal

from plans.domain.constants import (
    DEFAULT_DURATION_MINUTES,
    MIN_GAP_FROM_INTERVALS,
    SCHEDULING_LEAD,
    SLOT_GRID,
)
from plans.domain.format import (
    clock,
    dated_time_label,
    duration_label,
    join_and,
    local_time_label,
    weekday_short,
)
from plans.domain.types import AthleteSettings, AthleteWeek, LiftSession, RunSession
from plans.domain.weeks import local_midnight

# "updated" (same time, the scheduler's own loads prescribed again) is the service's word: the
# placement only says where.
Outcome = Literal["placed", "moved", "unchanged", "no_slot"]

_DAY = timedelta(days=1)
# Stands in for "no interval run in reach": larger than any real gap, so every candidate ties.
_NO_GAP_LIMIT = timedelta.max


class SchedulingError(ValueError):
    pass


@dataclass(frozen=True)
class Placement:
    outcome: Outcome
    # The existing deadlift kept (and moved, if "moved"); None when one is to be created.
    session_id: int | None
    start: datetime | None
    end: datetime | None
    on_hard_day: bool
    reason: str
    # The week's other deadlifts, which the service deletes: "1x per week". Logged ones are
    # never listed; they are history.
    extra_session_ids: tuple[int, ...] = ()
    duration_minutes: int = DEFAULT_DURATION_MINUTES
    # Why no hard day had room, day by day; empty when one had, or when there is no hard day.
    no_hard_day_reason: str = ""

    @property
    def changes_anything(self) -> bool:
        return self.outcome in ("placed", "moved") or bool(self.extra_session_ids)


def check_training_window(athlete: AthleteSettings) -> None:
    if athlete.training_window_start >= athlete.training_window_end:
        raise SchedulingError(
            f"Athlete {athlete.athlete_id}'s training window starts at "
            f"{athlete.training_window_start:%H:%M} and ends at "
            f"{athlete.training_window_end:%H:%M}; it must end later the same day."
        )


def split_deadlifts(week: AthleteWeek) -> tuple[LiftSession | None, tuple[LiftSession, ...]]:
    """The deadlift the week keeps, and the others.

    A logged deadlift is kept before a planned one (history stays); otherwise the earliest.
    """
    ranked = sorted(
        week.deadlifts, key=lambda lift: (not lift.is_logged, lift.effective_start, lift.id)
    )
    if not ranked:
        return None, ()
    return ranked[0], tuple(ranked[1:])


def earliest_start(now: datetime) -> datetime:
    """The first instant the scheduler may place a session at: SCHEDULING_LEAD after now. The
    grid (quarter hours of local time, which every real zone offset keeps aligned with UTC's)
    rounds it up to a slot."""
    if now.utcoffset() is None:
        raise ValueError(f"now must be an aware datetime, got {now!r}.")
    return now.astimezone(UTC) + SCHEDULING_LEAD


def _keeper(week: AthleteWeek, now: datetime) -> tuple[LiftSession | None, tuple[int, ...]]:
    """The deadlift the scheduler keeps (and may move), and the ones it deletes.

    split_deadlifts' order (logged first, then the earliest), except that one under way comes
    next and a missed one gives way to one still ahead: that is the one the athlete expects.
    History (logged or under way) is never deleted."""
    ranked = sorted(
        week.deadlifts,
        key=lambda lift: (
            not lift.is_logged,
            not lift.is_history(now),
            lift.is_missed(now),
            lift.effective_start,
            lift.id,
        ),
    )
    if not ranked:
        return None, ()
    return ranked[0], tuple(lift.id for lift in ranked[1:] if not lift.is_history(now))


def schedule_deadlift(week: AthleteWeek, *, now: datetime) -> Placement:
    check_training_window(week.athlete)
    earliest = earliest_start(now)
    keeper, extra_ids = _keeper(week, now)
    tz = week.time_zone

    if keeper is not None and keeper.is_history(now):
        # The planned start, which is what a caller would write back: "unchanged" must not
        # turn into a move to the logged actual start.
        start = keeper.start.astimezone(UTC)
        what = "is logged" if keeper.is_logged else "has started"
        return Placement(
            outcome="unchanged",
            session_id=keeper.id,
            start=start,
            end=start + timedelta(minutes=keeper.duration_minutes),
            on_hard_day=week.local_day(keeper.effective_start) in week.hard_days,
            reason=(
                f"The deadlift on {local_time_label(keeper.effective_start, tz)} {what}; "
                "history stays where it happened."
            ),
            extra_session_ids=extra_ids,
            duration_minutes=keeper.duration_minutes,
        )

    duration_minutes = keeper.duration_minutes if keeper is not None else DEFAULT_DURATION_MINUTES
    if week.bounds[1] <= now:
        # Nothing is rewritten in a week that is over, not even its extra deadlifts.
        return Placement(
            outcome="no_slot",
            session_id=keeper.id if keeper is not None else None,
            start=None,
            end=None,
            on_hard_day=False,
            reason="The week is over.",
            duration_minutes=duration_minutes,
        )
    leaving = set(extra_ids)
    if keeper is not None:
        leaving.add(keeper.id)
    search = _SlotSearch(week, timedelta(minutes=duration_minutes), leaving, earliest)
    hard_slot = search.best(hard_day_only=True)

    def placement(outcome: Outcome, slot: _Slot | None, reason: str) -> Placement:
        return Placement(
            outcome=outcome,
            session_id=keeper.id if keeper is not None else None,
            start=slot.start if slot is not None else None,
            end=slot.end if slot is not None else None,
            on_hard_day=slot is not None and slot.day in week.hard_days,
            reason=reason,
            extra_session_ids=extra_ids,
            duration_minutes=duration_minutes,
            no_hard_day_reason="" if hard_slot is not None else search.why_no_hard_day,
        )

    if keeper is not None and not keeper.is_missed(now):
        # Still to come (perhaps sooner than the scheduler itself would place one): it stays
        # where the coach put it if it fits.
        current = search.judge(keeper.effective_start)
        if current.fits and (current.day in week.hard_days or hard_slot is None):
            return placement("unchanged", current, search.explain(current, already_there=True))
    outcome: Outcome = "moved" if keeper is not None else "placed"
    if hard_slot is not None:
        return placement(outcome, hard_slot, search.explain(hard_slot))
    fallback = search.best(hard_day_only=False)
    if fallback is not None:
        return placement(outcome, fallback, search.explain(fallback))
    return placement("no_slot", None, search.why_no_slot())


@dataclass(frozen=True)
class _Slot:
    start: datetime
    end: datetime
    day: date
    # Smallest real gap to any interval run; negative when overlapping one.
    min_gap: timedelta
    in_window: bool
    overlaps: bool

    @property
    def too_close(self) -> bool:
        return self.min_gap < MIN_GAP_FROM_INTERVALS

    @property
    def fits(self) -> bool:
        return self.in_window and not self.too_close and not self.overlaps


class _SlotSearch:
    def __init__(
        self, week: AthleteWeek, duration: timedelta, leaving: set[int], earliest: datetime
    ) -> None:
        self.week = week
        # Candidates start here or later; only the judgement of a deadlift where it already is
        # looks at an earlier time.
        self.earliest = earliest
        self.tz = week.time_zone
        self.duration = duration
        self.window_start = week.athlete.training_window_start
        self.window_end = week.athlete.training_window_end
        self.intervals = [(run.effective_start, run.effective_end) for run in week.interval_runs]
        # Runs may overlap each other, but the deadlift may overlap nothing: not the other
        # lifts, not the deadlifts about to be deleted (they are gone), not itself.
        busy: list[RunSession | LiftSession] = [run for run in week.runs if not run.is_skipped]
        busy += [lift for lift in week.lifts if not lift.is_skipped and lift.id not in leaving]
        self.busy = sorted((s.effective_start, s.effective_end) for s in busy)
        # Each open interval of start instants that would overlap a session or come within
        # 6 h of an interval run.
        self.ruled_out = sorted(
            [(start - duration, end) for start, end in self.busy]
            + [
                (start - MIN_GAP_FROM_INTERVALS - duration, end + MIN_GAP_FROM_INTERVALS)
                for start, end in self.intervals
            ]
        )
        self._best_of_day: dict[date, _Slot | None] = {}
        self._grids: dict[date, list[_Slot]] = {}

    @cached_property
    def slots(self) -> list[_Slot]:
        """Every candidate of the week, judged one by one: the slow way, kept for explaining
        why nothing fits."""
        return [slot for day in self.week.days for slot in self._grid(day)]

    def _grid(self, day: date) -> list[_Slot]:
        if day not in self._grids:
            self._grids[day] = self._judge_every_step(day)
        return self._grids[day]

    def best(self, *, hard_day_only: bool) -> _Slot | None:
        chosen: _Slot | None = None
        for day in self.week.days:
            if (day in self.week.hard_days) != hard_day_only:
                continue
            if day not in self._best_of_day:
                self._best_of_day[day] = self._best_on(day)
            slot = self._best_of_day[day]
            if slot is not None and (chosen is None or _better(slot, chosen)):
                chosen = slot
        return chosen

    def _best_on(self, day: date) -> _Slot | None:
        midnight, next_midnight = local_midnight(day, self.tz), local_midnight(day + _DAY, self.tz)
        if next_midnight - midnight != _DAY:
            return _pick(slot for slot in self._grid(day) if slot.fits)
        # No DST change this day, so grid step k starts at midnight + k x 15 min. Rather than
        # judge every step, cut the ruled-out intervals from the window's steps; along each
        # run of free steps the smallest gap to the interval runs rises from the run before
        # and falls towards the run after, so its best step is an end or the middle.
        first, last = self._grid_steps(midnight)
        candidates: set[int] = set()
        for low, high in self._free_steps(midnight, first, last):
            candidates |= {low, high}
            free_from = midnight + low * SLOT_GRID
            before = [end for _, end in self.intervals if end <= free_from]
            after = [start for start, end in self.intervals if end > free_from]
            if before and after:
                latest_end, earliest_start = max(before), min(after) - self.duration
                middle = latest_end + (earliest_start - latest_end) / 2
                step = (middle - midnight) // SLOT_GRID
                candidates |= {min(max(step, low), high), min(max(step + 1, low), high)}
        return _pick(
            slot
            for step in candidates
            if (slot := self._judge(midnight + step * SLOT_GRID, day, True, self.busy)).fits
        )

    def _grid_steps(self, midnight: datetime | None = None) -> tuple[int, int]:
        """The first and last grid steps after local midnight whose session fits the window
        and, given the day's midnight, starts no earlier than the earliest start."""
        grid = int(SLOT_GRID.total_seconds())
        first = -(-_seconds(self.window_start, up=True) // grid)
        last = (_seconds(self.window_end) - int(self.duration.total_seconds())) // grid
        if midnight is not None:
            first = max(first, -((midnight - self.earliest) // SLOT_GRID))
        return first, last

    def _free_steps(self, midnight: datetime, first: int, last: int) -> list[tuple[int, int]]:
        blocked = []
        for low, high in self.ruled_out:
            # Steps strictly inside the open interval (low, high).
            step_low = (low - midnight) // SLOT_GRID + 1
            step_high = -((midnight - high) // SLOT_GRID) - 1
            if step_low <= step_high and step_high >= first and step_low <= last:
                blocked.append((max(step_low, first), min(step_high, last)))
        free = []
        next_free = first
        for blocked_from, blocked_to in sorted(blocked):
            if blocked_from > next_free:
                free.append((next_free, blocked_from - 1))
            next_free = max(next_free, blocked_to + 1)
        if next_free <= last:
            free.append((next_free, last))
        return free

    def _judge_every_step(self, day: date) -> list[_Slot]:
        midnight, next_midnight = local_midnight(day, self.tz), local_midnight(day + _DAY, self.tz)
        if next_midnight - midnight == _DAY:
            first, last = self._grid_steps(midnight)
            return [
                self._judge(midnight + step * SLOT_GRID, day, True, self.busy)
                for step in range(first, last + 1)
            ]
        # A DST change: walk real time, so wall times the jump skips never come up and the
        # repeated hour comes up twice, and keep the instants that sit on the local grid.
        grid = int(SLOT_GRID.total_seconds())
        slots = []
        moment = midnight
        while moment < next_midnight:
            local = moment.astimezone(self.tz)
            on_grid = _seconds(local.time()) % grid == 0 and local.microsecond == 0
            if on_grid and local.time() >= self.window_start and moment >= self.earliest:
                slot = self.judge(moment)
                if slot.in_window:
                    slots.append(slot)
            moment += SLOT_GRID
        return slots

    def judge(self, start: datetime) -> _Slot:
        local_start = start.astimezone(self.tz)
        local_end = (start + self.duration).astimezone(self.tz)
        in_window = (
            local_start.date() == local_end.date()
            and local_start.time() >= self.window_start
            and local_end.time() <= self.window_end
        )
        return self._judge(start.astimezone(UTC), local_start.date(), in_window, self.busy)

    def _judge(
        self,
        start: datetime,
        day: date,
        in_window: bool,
        busy: list[tuple[datetime, datetime]],
    ) -> _Slot:
        end = start + self.duration
        min_gap = _NO_GAP_LIMIT
        for run_start, run_end in self.intervals:
            # From the end of the earlier to the start of the later; negative when they overlap.
            min_gap = min(min_gap, max(run_start - end, start - run_end))
        overlaps = any(other_start < end and start < other_end for other_start, other_end in busy)
        return _Slot(start, end, day, min_gap, in_window, overlaps)

    def explain(self, slot: _Slot, *, already_there: bool = False) -> str:
        when = local_time_label(slot.start, self.tz)
        nearest = (
            f"{duration_label(slot.min_gap)} from the nearest interval run"
            if slot.min_gap != _NO_GAP_LIMIT
            else "with no interval run in reach"
        )
        if already_there:
            where = (
                f"is {nearest}" if slot.min_gap != _NO_GAP_LIMIT else "has no interval run in reach"
            )
            head = f"The deadlift on {when} already fits the training window, clashes with no "
            head += f"other session and {where}"
            if slot.day in self.week.hard_days:
                return f"{head}, on a hard day."
            return f"{head}. {self._no_hard_day_clause()}"
        if slot.day in self.week.hard_days:
            return (
                f"{when} is on a hard day, {nearest}: as far from the interval runs as the "
                "training window and the other sessions allow."
            )
        if slot.min_gap == _NO_GAP_LIMIT:
            return (
                f"{self._no_hard_day_clause()} {when} is the earliest free time in the "
                "training window."
            )
        return (
            f"{self._no_hard_day_clause()} {when} is {nearest}, the farthest from the "
            "interval runs the week allows."
        )

    def _no_hard_day_clause(self) -> str:
        if not self.week.hard_days:
            return "The week has no interval run, so no hard day."
        return f"No hard day had room: {self.why_no_hard_day}."

    @cached_property
    def why_no_hard_day(self) -> str:
        if not self.week.hard_days:
            return ""
        if self._window_too_short():
            return self._window_too_short_text()
        return "; ".join(
            f"{weekday_short(day)}: {self._why_day_is_full(day)}"
            for day in sorted(self.week.hard_days)
        )

    def why_no_slot(self) -> str:
        minutes = self._minutes_text()
        if self._window_too_short():
            return f"No time this week fits a {minutes} deadlift: {self._window_too_short_text()}."
        blocked = [slot for slot in self.slots if slot.in_window]
        if not blocked and self._partly_past:
            return (
                f"No time is left this week for a {minutes} deadlift: nothing starts before "
                f"{local_time_label(self.earliest, self.tz)}, and the {self._window_text()} "
                "window has no slot after that."
            )
        too_close = any(slot.too_close for slot in blocked)
        taken = any(slot.overlaps and not slot.too_close for slot in blocked)
        if too_close and taken:
            why = "is within 6 h of an interval run or overlaps another session"
        elif too_close:
            why = "is within 6 h of an interval run"
        elif taken:
            why = "overlaps another session"
        else:
            why = "falls in a DST jump, on clocks that never show it"
        remaining = "remaining " if self._partly_past else ""
        return (
            f"No time this week fits a {minutes} deadlift: every {remaining}{minutes} slot in "
            f"the {self._window_text()} window {why}."
        )

    @property
    def _partly_past(self) -> bool:
        return self.earliest > self.week.bounds[0]

    def _why_day_is_full(self, day: date) -> str:
        minutes = self._minutes_text()
        slots = [slot for slot in self._grid(day) if slot.in_window]
        if not slots and local_midnight(day + _DAY, self.tz) <= self.earliest:
            return "it is past"
        if not slots and local_midnight(day, self.tz) < self.earliest:
            return f"no {minutes} slot is left after {clock(self.earliest, self.tz)}"
        if not slots:
            return f"the {self._window_text()} window has no {minutes} slot"
        close = [slot for slot in slots if slot.too_close]
        if len(close) == len(slots):
            runs = self._runs_too_close_to(close)
            named = join_and(self._run_label(run) for run in runs)
            what = "the interval run" if len(runs) == 1 else "the interval runs"
            return (
                f"every {minutes} slot in the {self._window_text()} window is within 6 h of "
                f"{what} {named}"
            )
        if not close:
            return f"other sessions fill the {self._window_text()} window"
        return f"the {minutes} slots 6 h from the interval runs are taken by other sessions"

    def _runs_too_close_to(self, slots: list[_Slot]) -> list[RunSession]:
        return [
            run
            for run in self.week.interval_runs
            if any(
                max(run.effective_start - slot.end, slot.start - run.effective_end)
                < MIN_GAP_FROM_INTERVALS
                for slot in slots
            )
        ]

    def _run_label(self, run: RunSession) -> str:
        if self.week.owns(run):
            return f"on {local_time_label(run.effective_start, self.tz)}"
        return f"on {dated_time_label(run.effective_start, self.tz)}"

    def _window_too_short(self) -> bool:
        first, last = self._grid_steps()
        return first > last

    def _window_too_short_text(self) -> str:
        window_length = _seconds(self.window_end) - _seconds(self.window_start)
        if window_length < self.duration.total_seconds():
            return (
                f"the {self._window_text()} training window is shorter than the "
                f"{self._minutes_text()} session"
            )
        return (
            f"the {self._window_text()} training window has no quarter-hour start that leaves "
            f"room for the {self._minutes_text()} session"
        )

    def _minutes_text(self) -> str:
        return f"{int(self.duration / timedelta(minutes=1))}-minute"

    def _window_text(self) -> str:
        return f"{self.window_start:%H:%M}–{self.window_end:%H:%M}"


def _better(slot: _Slot, other: _Slot) -> bool:
    return slot.min_gap > other.min_gap or (
        slot.min_gap == other.min_gap and slot.start < other.start
    )


def _pick(slots: Iterable[_Slot]) -> _Slot | None:
    chosen: _Slot | None = None
    for slot in slots:
        if chosen is None or _better(slot, chosen):
            chosen = slot
    return chosen


def _seconds(clock: time, *, up: bool = False) -> int:
    """Seconds since midnight of a wall time; `up` rounds a fraction of a second up."""
    whole = clock.hour * 3600 + clock.minute * 60 + clock.second
    return whole + 1 if up and clock.microsecond else whole
