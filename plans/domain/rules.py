"""The rule catalogue: one athlete's week in, its violations out.

Only the week's own sessions are judged (planned start inside the week); interval runs of the
neighbouring days count for the 6 hours. Skipped sessions and warm-up sets count for nothing.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from plans.domain.constants import (
    DEFAULT_TARGET_RIR,
    DONE,
    FAILURE_RIR,
    HIGH_REPS,
    MIN_GAP_FROM_INTERVALS,
    TOO_EASY_RIR,
    WORKING_REPS_MAX,
    WORKING_REPS_MIN,
    WORKING_SETS_MAX,
    WORKING_SETS_MIN,
)
from plans.domain.format import (
    clock,
    dated_time_label,
    duration_label,
    join_and,
    local_time_label,
    plural,
    weekday_name,
)
from plans.domain.scheduling import (
    Placement,
    check_training_window,
    schedule_deadlift,
    split_deadlifts,
)
from plans.domain.types import (
    AddWorkingSets,
    AthleteWeek,
    DropWorkingSets,
    Fix,
    LiftSession,
    LiftSet,
    MoveDeadlift,
    RemoveDeadlifts,
    RunSession,
    ScheduleDeadlift,
    SetTargetReps,
    SetTargetRir,
    Severity,
    Violation,
)

DEADLIFT_MISSING = "deadlift.missing"
DEADLIFT_TOO_MANY = "deadlift.too_many"
DEADLIFT_TOO_CLOSE_TO_INTERVALS = "deadlift.too_close_to_intervals"
DEADLIFT_NOT_ON_HARD_DAY = "deadlift.not_on_hard_day"
DEADLIFT_SETS_OUT_OF_RANGE = "deadlift.sets_out_of_range"
DEADLIFT_REPS_OUT_OF_RANGE = "deadlift.reps_out_of_range"
DEADLIFT_HIGH_REPS = "deadlift.high_reps"
DEADLIFT_TO_FAILURE = "deadlift.to_failure"
DEADLIFT_TOO_EASY = "deadlift.too_easy"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: str
    # The words of the coaching advice the rule enforces, quoted in every message.
    advice: str


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(DEADLIFT_MISSING, Severity.WARNING, "No deadlift this week", "1x per week"),
        Rule(DEADLIFT_TOO_MANY, Severity.ERROR, "More than one deadlift", "1x per week"),
        Rule(
            DEADLIFT_TOO_CLOSE_TO_INTERVALS,
            Severity.ERROR,
            "Too close to the interval run",
            "6+ hours before or after your interval run",
        ),
        Rule(
            DEADLIFT_NOT_ON_HARD_DAY,
            Severity.WARNING,
            "Not on the hard day",
            "preferably on your Hard day",
        ),
        Rule(
            DEADLIFT_SETS_OUT_OF_RANGE,
            Severity.WARNING,
            "Not 3 to 4 working sets",
            "Volume: Low. 3 to 4 sets.",
        ),
        Rule(
            DEADLIFT_REPS_OUT_OF_RANGE,
            Severity.WARNING,
            "Not 3 to 4 reps",
            "Reps: Low. 3 to 4 reps.",
        ),
        Rule(
            DEADLIFT_HIGH_REPS,
            Severity.ERROR,
            "Sets of 10+ reps",
            "We are not doing sets of 20 reps.",
        ),
        Rule(
            DEADLIFT_TO_FAILURE,
            Severity.ERROR,
            "Set to failure",
            "Leave 1 rep in the tank, never go to failure on technical lifts",
        ),
        Rule(DEADLIFT_TOO_EASY, Severity.WARNING, "Too easy", "Intensity: High."),
    )
}


def evaluate_week(
    week: AthleteWeek, *, now: datetime, suggest_fixes: bool = True
) -> list[Violation]:
    """The week's violations, errors first, then by code.

    The violations are the same whatever `now` is (a missed session is judged as planned), so
    a stored verdict never goes stale by the clock alone; only the fixes look at it: none puts
    a session before now.

    With suggest_fixes=False the week is only judged: the same violations (codes, severities,
    sessions, messages) but none carries a fix or the scheduler's reason why no better time
    exists, so the scheduler never runs. The coach's dashboard shows no more than that, for a
    whole roster at once."""
    check_training_window(week.athlete)
    context = _Context(week, now=now, suggest_fixes=suggest_fixes)
    violations = [v for check in _CHECKS if (v := check(context)) is not None]
    return sorted(violations, key=lambda v: (v.severity != Severity.ERROR, v.code))


# The rules a deadlift's own sets can break, whatever else the week holds: what the athlete's
# session page shows after each logged set.
SET_RULES = (
    DEADLIFT_SETS_OUT_OF_RANGE,
    DEADLIFT_REPS_OUT_OF_RANGE,
    DEADLIFT_HIGH_REPS,
    DEADLIFT_TO_FAILURE,
    DEADLIFT_TOO_EASY,
)


def evaluate_sets(deadlifts: Sequence[LiftSession], *, time_zone: ZoneInfo) -> list[Violation]:
    """The SET_RULES on these deadlifts' sets, as evaluate_week(suggest_fixes=False) judges a
    week whose deadlifts they are: the same violations for those codes, in the same order.

    Neither the training window, the clock nor the scheduler is asked: a set is judged by its
    session alone, so logging one costs no scheduling. Skipped sessions and other lifts count
    for nothing, as in the week."""
    judged = sorted(
        (lift for lift in deadlifts if lift.is_deadlift and not lift.is_skipped),
        key=lambda lift: (lift.effective_start, lift.id),
    )
    context = _Judge(tuple(judged), time_zone=time_zone, suggest_fixes=False)
    violations = [v for check in _SET_CHECKS if (v := check(context)) is not None]
    return sorted(violations, key=lambda v: (v.severity != Severity.ERROR, v.code))


class _Judge:
    """What the set rules read: the deadlifts judged and the zone their times are told in."""

    def __init__(
        self, deadlifts: tuple[LiftSession, ...], *, time_zone: ZoneInfo, suggest_fixes: bool
    ) -> None:
        self.deadlifts = deadlifts
        self.tz = time_zone
        self.suggest_fixes = suggest_fixes

    def when(self, lift: LiftSession) -> str:
        return local_time_label(lift.effective_start, self.tz)

    def violation(
        self,
        code: str,
        message: str,
        sessions: Iterable[LiftSession | RunSession],
        fix: Fix | None,
        *,
        tail: str = "",
    ) -> Violation:
        """`tail` follows the quoted advice: the scheduler's word on why no better time exists."""
        rule = RULES[code]
        if not self.suggest_fixes:
            fix, tail = None, ""
        session_ids = tuple(dict.fromkeys(session.id for session in sessions))
        text = f'{message}: "{rule.advice}"'
        if not rule.advice.endswith("."):
            text += "."
        finding = f"{message}."
        if tail:
            text += f" {tail.rstrip('.')}."
            finding += f" {tail.rstrip('.')}."
        return Violation(code, rule.severity, text, session_ids, fix, finding, rule.advice)


class _Context(_Judge):
    def __init__(self, week: AthleteWeek, *, now: datetime, suggest_fixes: bool) -> None:
        super().__init__(week.deadlifts, time_zone=week.time_zone, suggest_fixes=suggest_fixes)
        self.week = week
        self.now = now
        self.keeper, self.extras = split_deadlifts(week)

    @cached_property
    def placement(self) -> Placement:
        # Only the rules that suggest a move need the scheduler; most weeks never ask.
        return schedule_deadlift(self.week, now=self.now)

    def move_fix(self, offenders: Sequence[LiftSession], *, hard_day: bool) -> MoveDeadlift | None:
        if not self.suggest_fixes or not any(lift.id == self.keeper_id for lift in offenders):
            return None
        placement = self.placement
        # The scheduler only moves a deadlift to a time still ahead: no fix lands in the past.
        if placement.outcome != "moved" or placement.start is None:
            return None
        if placement.session_id is None or (hard_day and not placement.on_hard_day):
            return None
        return MoveDeadlift(placement.session_id, placement.start, self.tz)

    @cached_property
    def keeper_id(self) -> int | None:
        """The deadlift the scheduler would keep: the week's own keeper, unless it is missed
        and another is still ahead. None when the one kept is history."""
        keeper = self.keeper
        if keeper is None or keeper.is_history(self.now):
            return None
        return self.placement.session_id

    def stuck(self, fix: Fix | None, offenders: Sequence[LiftSession]) -> bool:
        """The deadlift to keep offends and could move, yet the scheduler found it no better
        time: the message then says why."""
        keeper = self.keeper
        return (
            self.suggest_fixes
            and fix is None
            and keeper is not None
            and keeper in offenders
            and not keeper.is_history(self.now)
        )


def _missing(context: _Context) -> Violation | None:
    if context.deadlifts:
        return None
    if not context.suggest_fixes:
        return context.violation(DEADLIFT_MISSING, "No deadlift this week", (), None)
    placement = context.placement
    if placement.outcome == "no_slot":
        return context.violation(
            DEADLIFT_MISSING, "No deadlift this week", (), None, tail=placement.reason
        )
    return context.violation(DEADLIFT_MISSING, "No deadlift this week", (), ScheduleDeadlift())


def _too_many(context: _Context) -> Violation | None:
    if len(context.deadlifts) <= 1 or context.keeper is None:
        return None
    listed = join_and(context.when(lift) for lift in context.deadlifts)
    removable = tuple(lift.id for lift in context.extras if not lift.is_logged)
    message = f"{len(context.deadlifts)} deadlifts this week ({listed})"
    if removable:
        message += f"; keep the one on {context.when(context.keeper)}"
    else:
        message += "; all are logged"
    fix = RemoveDeadlifts(removable) if removable else None
    return context.violation(DEADLIFT_TOO_MANY, message, context.deadlifts, fix)


def _too_close_to_intervals(context: _Context) -> Violation | None:
    week, tz = context.week, context.tz
    clashes: list[tuple[LiftSession, RunSession, str]] = []
    for lift in context.deadlifts:
        start, end = lift.effective_start, lift.effective_end
        for run in week.interval_runs:
            run_start, run_end = run.effective_start, run.effective_end
            if end == run_start:
                text = f"ends as {_run_name(week, run)} starts"
            elif start == run_end:
                text = f"starts as {_run_name(week, run)} ends"
            elif end < run_start and run_start - end < MIN_GAP_FROM_INTERVALS:
                gap = duration_label(run_start - end)
                text = f"ends {gap} before {_run_name(week, run)}"
            elif run_end < start and start - run_end < MIN_GAP_FROM_INTERVALS:
                gap = duration_label(start - run_end)
                text = f"starts {gap} after the end of {_run_name(week, run)}"
            elif start < run_end and run_start < end:
                text = f"overlaps {_run_name(week, run)}"
            else:
                continue
            clashes.append((lift, run, f"Deadlift on {local_time_label(start, tz)} {text}"))
    if not clashes:
        return None
    offenders = [lift for lift, _, _ in clashes]
    fix = context.move_fix(offenders, hard_day=False)
    message = "; ".join(text for _, _, text in clashes)
    message += f"; keep {_hours(MIN_GAP_FROM_INTERVALS)}+ hours between them"
    tail = ""
    if context.stuck(fix, offenders):
        tail = context.placement.reason
    sessions: list[LiftSession | RunSession] = []
    for lift, run, _ in clashes:
        sessions += [lift, run]
    return context.violation(DEADLIFT_TOO_CLOSE_TO_INTERVALS, message, sessions, fix, tail=tail)


def _run_name(week: AthleteWeek, run: RunSession) -> str:
    start, tz = run.effective_start, week.time_zone
    if week.owns(run):
        return f"{weekday_name(week.local_day(start))}'s interval run at {clock(start, tz)}"
    return f"the interval run on {dated_time_label(start, tz)}"


def _hours(length: timedelta) -> int:
    return int(length / timedelta(hours=1))


def _not_on_hard_day(context: _Context) -> Violation | None:
    week = context.week
    if not week.own_interval_runs:
        return None
    offenders = [
        lift
        for lift in context.deadlifts
        if week.local_day(lift.effective_start) not in week.hard_days
    ]
    if not offenders:
        return None
    hard_days = sorted(week.hard_days)
    holds = "holds the interval run" if len(hard_days) == 1 else "hold the interval runs"
    named = join_and(weekday_name(day) for day in hard_days)
    message = "; ".join(
        f"Deadlift on {context.when(lift)} is not on a hard day" for lift in offenders
    )
    message += f" ({named} {holds})"
    fix = context.move_fix(offenders, hard_day=True)
    tail = ""
    if context.stuck(fix, offenders):
        why = context.placement.no_hard_day_reason
        tail = f"No hard day has room: {why}" if why else ""
    return context.violation(DEADLIFT_NOT_ON_HARD_DAY, message, offenders, fix, tail=tail)


def _sets_out_of_range(context: _Judge) -> Violation | None:
    offenders = [
        lift
        for lift in context.deadlifts
        if not WORKING_SETS_MIN <= len(lift.counted_working_sets) <= WORKING_SETS_MAX
    ]
    if not offenders:
        return None
    parts = []
    for lift in offenders:
        counted = plural(len(lift.counted_working_sets), "working set")
        verb = "logged" if lift.status == DONE else "has"
        parts.append(f"Deadlift on {context.when(lift)} {verb} {counted}")
    message = "; ".join(parts)
    fix: Fix | None = None
    for lift in offenders:
        if lift.is_logged:
            continue
        working = lift.working_sets
        if len(working) < WORKING_SETS_MIN:
            fix = AddWorkingSets(lift.id, WORKING_SETS_MIN - len(working))
            break
        extra = working[WORKING_SETS_MAX:]
        extra_ids = tuple(s.id for s in extra if s.id is not None)
        if len(extra_ids) == len(extra):
            fix = DropWorkingSets(lift.id, extra_ids, _numbers(lift, extra))
            break
    return context.violation(DEADLIFT_SETS_OUT_OF_RANGE, message, offenders, fix)


_SetCheck = Callable[[LiftSet], str | None]


def _offending_sets(
    context: _Judge, describe: _SetCheck
) -> tuple[list[LiftSession], list[tuple[LiftSession, LiftSet]], str]:
    """The deadlifts with a working set `describe` objects to, every such set, and a message."""
    sessions: list[LiftSession] = []
    found: list[tuple[LiftSession, LiftSet]] = []
    parts: list[str] = []
    for lift in context.deadlifts:
        complaints = []
        for lift_set in lift.working_sets:
            complaint = describe(lift_set)
            if complaint is not None:
                found.append((lift, lift_set))
                complaints.append(f"set {lift.set_number(lift_set)} {complaint}")
        if complaints:
            sessions.append(lift)
            parts.append(f"Deadlift on {context.when(lift)}: {join_and(complaints)}")
    return sessions, found, "; ".join(parts)


def _fixable_sets(
    found: list[tuple[LiftSession, LiftSet]],
) -> tuple[LiftSession, list[LiftSet]] | None:
    """The first session's sets whose targets may still change: not logged, session not done."""
    for lift in dict.fromkeys(lift for lift, _ in found):
        fixable = [
            lift_set
            for owner, lift_set in found
            if owner is lift
            and lift.status != DONE
            and not lift_set.is_logged
            and lift_set.id is not None
        ]
        if fixable:
            return lift, fixable
    return None


def _numbers(lift: LiftSession, sets: Iterable[LiftSet]) -> tuple[int, ...]:
    return tuple(lift.set_number(s) for s in sets)


def _ids_and_numbers(
    lift: LiftSession, sets: list[LiftSet]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return tuple(s.id for s in sets if s.id is not None), _numbers(lift, sets)


def _reps_text(lift_set: LiftSet, reps: int) -> str:
    verb = "logged" if lift_set.is_logged else "targets"
    return f"{verb} {plural(reps, 'rep')}"


def _reps_out_of_range(context: _Judge) -> Violation | None:
    def describe(lift_set: LiftSet) -> str | None:
        reps = lift_set.judged_reps
        if reps is None or WORKING_REPS_MIN <= reps <= WORKING_REPS_MAX or reps >= HIGH_REPS:
            return None
        return _reps_text(lift_set, reps)

    sessions, found, message = _offending_sets(context, describe)
    if not sessions:
        return None
    fix: Fix | None = None
    if (fixable := _fixable_sets(found)) is not None:
        lift, sets = fixable
        above = all((s.judged_reps or 0) > WORKING_REPS_MAX for s in sets)
        set_ids, numbers = _ids_and_numbers(lift, sets)
        fix = SetTargetReps(
            lift.id, set_ids, WORKING_REPS_MAX if above else WORKING_REPS_MIN, numbers
        )
    return context.violation(DEADLIFT_REPS_OUT_OF_RANGE, message, sessions, fix)


def _retarget[F: (SetTargetReps, SetTargetRir)](
    found: list[tuple[LiftSession, LiftSet]],
    build: Callable[[int, tuple[int, ...], tuple[int, ...]], F],
) -> F | None:
    """A new target for the offending sets, where they can still change (not yet logged)."""
    fixable = _fixable_sets(found)
    if fixable is None:
        return None
    lift, sets = fixable
    set_ids, numbers = _ids_and_numbers(lift, sets)
    return build(lift.id, set_ids, numbers)


def _high_reps(context: _Judge) -> Violation | None:
    def describe(lift_set: LiftSet) -> str | None:
        reps = lift_set.judged_reps
        if reps is None or reps < HIGH_REPS:
            return None
        return _reps_text(lift_set, reps)

    sessions, found, message = _offending_sets(context, describe)
    if not sessions:
        return None
    fix = _retarget(
        found, lambda lift_id, ids, numbers: SetTargetReps(lift_id, ids, WORKING_REPS_MAX, numbers)
    )
    return context.violation(DEADLIFT_HIGH_REPS, message, sessions, fix)


def _to_failure(context: _Judge) -> Violation | None:
    def describe(lift_set: LiftSet) -> str | None:
        if lift_set.is_logged and lift_set.failed:
            return "logged as failed"
        if lift_set.judged_rir == FAILURE_RIR:
            return "logged at RIR 0" if lift_set.is_logged else "targets RIR 0"
        return None

    sessions, found, message = _offending_sets(context, describe)
    if not sessions:
        return None
    fix = _retarget(
        found, lambda lift_id, ids, numbers: SetTargetRir(lift_id, ids, DEFAULT_TARGET_RIR, numbers)
    )
    return context.violation(DEADLIFT_TO_FAILURE, message, sessions, fix)


def _too_easy(context: _Judge) -> Violation | None:
    def describe(lift_set: LiftSet) -> str | None:
        rir = lift_set.judged_rir
        if rir is None or rir < TOO_EASY_RIR:
            return None
        return f"logged at RIR {rir}" if lift_set.is_logged else f"targets RIR {rir}"

    sessions, found, message = _offending_sets(context, describe)
    if not sessions:
        return None
    fix = _retarget(
        found, lambda lift_id, ids, numbers: SetTargetRir(lift_id, ids, DEFAULT_TARGET_RIR, numbers)
    )
    return context.violation(DEADLIFT_TOO_EASY, message, sessions, fix)


_SET_CHECKS: tuple[Callable[[_Judge], Violation | None], ...] = (
    _sets_out_of_range,
    _reps_out_of_range,
    _high_reps,
    _to_failure,
    _too_easy,
)
_CHECKS: tuple[Callable[[_Context], Violation | None], ...] = (
    _missing,
    _too_many,
    _too_close_to_intervals,
    _not_on_hard_day,
    *_SET_CHECKS,
)
