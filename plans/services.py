"""Writes of the plans engine: read what the pure domain needs (plans.selectors), call it, and
write the result in one transaction. The dashboard, the phone pages, the API and the management
commands all come through here, so a rule or a schedule is computed in one place.

The present: every service that schedules or suggests a fix takes `now` (keyword-only); left
out, it is the clock's (`clock`), read once per call. Tests pass their own.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from athletes.models import Athlete, Coach
from athletes.transactions import atomic_with_retry
from plans.domain import types as domain
from plans.domain.constants import (
    DEFAULT_DURATION_MINUTES,
    DEFAULT_REPS,
    DEFAULT_SETS,
    DEFAULT_TARGET_RIR,
)
from plans.domain.prescription import PrescriptionError, prescribe, prescribed_by_scheduler
from plans.domain.rules import evaluate_week as evaluate_athlete_week
from plans.domain.scheduling import Placement, SchedulingError
from plans.domain.scheduling import schedule_deadlift as place_deadlift
from plans.domain.weeks import same_local_time, week_of
from plans.models import PlanStatus, WeeklyPlan
from plans.selectors import Detail, LoadedWeek, ServiceError, read_week, read_weeks, roster
from workouts.models import Exercise, LiftSession, LiftSet, RunSession, SessionStatus

__all__ = [
    "SchedulePlan",
    "ScheduleResult",
    "ServiceError",
    "WeekReport",
    "apply_fix",
    "change_time_zone",
    "evaluate_roster",
    "evaluate_week",
    "judge_athletes",
    "publish_week",
    "schedule_deadlift",
    "schedule_roster",
]


def clock(now: datetime | None = None) -> datetime:
    """The one place the plans engine reads the time: the instant given, else the clock's."""
    return now if now is not None else timezone.now()


# ---------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class WeekReport:
    loaded: LoadedWeek
    violations: list[domain.Violation]

    @property
    def athlete(self) -> Athlete:
        return self.loaded.athlete

    @property
    def errors(self) -> list[domain.Violation]:
        return [v for v in self.violations if v.severity == domain.Severity.ERROR]

    @property
    def warnings(self) -> list[domain.Violation]:
        return [v for v in self.violations if v.severity == domain.Severity.WARNING]


def judge_athletes(athletes: Sequence[Athlete], week: date) -> list[WeekReport]:
    """The athletes' weeks, judged for the dashboard: the same violations as evaluate_roster's,
    without fixes (the dashboard offers them on the athlete's week), from only the sessions
    the rules read (Detail.JUDGE). Four queries, whatever the number of athletes."""
    loaded = read_weeks(athletes, week, detail=Detail.JUDGE)
    return [
        # Judged only: the violations do not depend on the clock, so any instant will do.
        WeekReport(item, evaluate_athlete_week(item.week, now=clock(), suggest_fixes=False))
        for item in loaded.values()
    ]


def evaluate_week(*, athlete: Athlete, week: date, now: datetime | None = None) -> WeekReport:
    loaded = read_week(athlete, week, detail=Detail.FULL)
    return WeekReport(loaded, evaluate_athlete_week(loaded.week, now=clock(now)))


def evaluate_roster(*, coach: Coach, week: date, now: datetime | None = None) -> list[WeekReport]:
    """Every active athlete of the coach, in a fixed number of queries, with fixes; no e1RM
    (LoadedWeek.e1rm is None): no rule reads it."""
    loaded = read_weeks(roster(coach), week, detail=Detail.SHOW)
    at = clock(now)
    return [WeekReport(item, evaluate_athlete_week(item.week, now=at)) for item in loaded.values()]


# ---------------------------------------------------------------------------- scheduling

PLACED, MOVED, UPDATED, UNCHANGED, NO_SLOT = "placed", "moved", "updated", "unchanged", "no_slot"
OUTCOMES = (PLACED, MOVED, UPDATED, UNCHANGED, NO_SLOT)


@dataclass(frozen=True)
class ScheduleResult:
    athlete: Athlete
    # placed (a new deadlift), moved, updated (same time, the scheduler's own loads prescribed
    # again from newer history), unchanged, no_slot
    outcome: str
    start: datetime | None
    reason: str
    session_id: int | None


_TargetRow = tuple[int, bool, int | None, Decimal | None, int | None, str]


def _target_rows(sets: Sequence[domain.LiftSet]) -> list[_TargetRow]:
    return [
        (
            s.order,
            s.is_warmup,
            s.target_reps,
            None if s.target_load_kg is None else Decimal(s.target_load_kg).normalize(),
            s.target_rir,
            s.target_load_reason,
        )
        for s in sorted(sets, key=lambda s: s.order)
    ]


def _shape(lift: domain.LiftSession | None, sets: int | None, reps: int | None) -> tuple[int, int]:
    """The coach's choice, else the existing deadlift's own shape when it is a sane one, else
    the default 3 x 3: rescheduling keeps what the coach set up for the athlete."""
    if sets is not None and reps is not None:
        return sets, reps
    existing_sets, existing_reps = DEFAULT_SETS, DEFAULT_REPS
    if lift is not None and lift.working_sets:
        working = lift.working_sets
        target_reps = {s.target_reps for s in working}
        if 3 <= len(working) <= 4:
            existing_sets = len(working)
        if len(target_reps) == 1 and (only := target_reps.pop()) in (3, 4):
            existing_reps = only
    return sets or existing_sets, reps or existing_reps


def _validate_choice(sets: int | None, reps: int | None) -> None:
    # Fails before anything is read or written: a coach asking for 5 x 2 gets told why.
    prescribe(
        None, sets=sets or DEFAULT_SETS, reps=reps or DEFAULT_REPS, load_increment_kg=Decimal(1)
    )


def schedule_deadlift(
    *,
    athlete: Athlete,
    week: date,
    sets: int | None = None,
    reps: int | None = None,
    now: datetime | None = None,
) -> ScheduleResult:
    return schedule_athletes(athletes=[athlete], week=week, sets=sets, reps=reps, now=now)[0]


def schedule_roster(
    *,
    coach: Coach,
    week: date,
    sets: int | None = None,
    reps: int | None = None,
    progress: Callable[[Sequence], Iterable] | None = None,
    now: datetime | None = None,
) -> list[ScheduleResult]:
    return schedule_athletes(
        athletes=roster(coach), week=week, sets=sets, reps=reps, progress=progress, now=now
    )


def schedule_athletes(
    *,
    athletes: Sequence[Athlete],
    week: date,
    sets: int | None = None,
    reps: int | None = None,
    progress: Callable[[Sequence], Iterable] | None = None,
    now: datetime | None = None,
) -> list[ScheduleResult]:
    """Place exactly one deadlift for each athlete's week and prescribe its sets, writing in
    bulk and in one transaction: either every athlete's week is written or none is."""
    try:
        _validate_choice(sets, reps)
    except PrescriptionError as error:
        raise ServiceError(str(error)) from None
    return _schedule(athletes, week, sets, reps, progress, clock(now))


@atomic_with_retry
def _schedule(
    athletes: Sequence[Athlete],
    week: date,
    sets: int | None,
    reps: int | None,
    progress: Callable[[Sequence], Iterable] | None,
    now: datetime,
) -> list[ScheduleResult]:
    loaded = read_weeks(athletes, week, detail=Detail.FULL)
    items = list(loaded.values())
    plan = SchedulePlan(now)
    for item in progress(items) if progress else items:
        plan.add(item, sets, reps)
    plan.write()
    return plan.results


class SchedulePlan:
    """Collects every athlete's changes, then writes them in a handful of bulk statements.

    Public for callers that load the weeks themselves and write in their own transaction
    (plan_templates applies a block of weeks with runs the database does not hold yet): `add`
    each LoadedWeek (with the placement, when the caller computed it already), then `write`;
    `results` follow the order of the calls, their session ids set by `write`."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.results: list[ScheduleResult] = []
        self.new_sessions: list[tuple[int, LoadedWeek, LiftSession]] = []
        self.moved: list[LiftSession] = []
        self.prescriptions: dict[int, tuple[domain.LiftSet, ...]] = {}
        self.new_prescriptions: dict[int, tuple[domain.LiftSet, ...]] = {}
        self.removed: list[int] = []
        # Prescriptions are pure and many athletes share one (no history yet, the same e1RM).
        self._prescriptions: dict[tuple, tuple[domain.LiftSet, ...]] = {}

    def prescription(self, item: LoadedWeek, sets: int, reps: int) -> tuple[domain.LiftSet, ...]:
        increment = item.athlete.load_increment_kg
        unit = item.athlete.units
        key = (item.e1rm.exact if item.e1rm else None, sets, reps, increment, unit)
        if key not in self._prescriptions:
            self._prescriptions[key] = prescribe(
                item.e1rm,
                sets=sets,
                reps=reps,
                rir=DEFAULT_TARGET_RIR,
                load_increment_kg=increment,
                unit=unit,
            )
        return self._prescriptions[key]

    def add(
        self,
        item: LoadedWeek,
        sets: int | None,
        reps: int | None,
        placement: Placement | None = None,
    ) -> None:
        if placement is None:
            try:
                placement = place_deadlift(item.week, now=self.now)
            except SchedulingError as error:
                raise ServiceError(f"{item.athlete}: {error}") from None
        self.removed.extend(placement.extra_session_ids)
        if placement.start is None:
            self.results.append(
                ScheduleResult(item.athlete, NO_SLOT, None, placement.reason, placement.session_id)
            )
            return
        current = next((lift for lift in item.week.lifts if lift.id == placement.session_id), None)
        wanted = self.prescription(item, *_shape(current, sets, reps))
        if current is None:
            session = LiftSession(
                athlete=item.athlete,
                exercise=Exercise.DEADLIFT,
                start=placement.start,
                duration_minutes=DEFAULT_DURATION_MINUTES,
            )
            self.new_sessions.append((len(self.results), item, session))
            self.new_prescriptions[len(self.results)] = wanted
            outcome = PLACED
        else:
            outcome = UNCHANGED
            if current.start != placement.start:
                # Only the start is written (bulk_update by primary key): no row to read first.
                self.moved.append(LiftSession(pk=current.id, start=placement.start))
                outcome = MOVED
            # Logged sets are history, and targets the coach chose by hand are the coach's: the
            # scheduler may move such a session, never rewrite its sets.
            if (
                not current.is_logged
                and prescribed_by_scheduler(current.sets)
                and _target_rows(current.sets) != _target_rows(wanted)
            ):
                self.prescriptions[current.id] = wanted
                outcome = UPDATED if outcome == UNCHANGED else outcome
        self.results.append(
            ScheduleResult(
                item.athlete,
                outcome,
                placement.start,
                placement.reason,
                None if current is None else current.id,
            )
        )

    def write(self) -> None:
        if self.removed:
            LiftSession.objects.filter(pk__in=self.removed).delete()
        if self.moved:
            LiftSession.objects.bulk_update(self.moved, ["start"])
        if self.prescriptions:
            LiftSet.objects.filter(session_id__in=list(self.prescriptions)).delete()
        if self.new_sessions:
            plans = _plans_for([item for _, item, _ in self.new_sessions])
            for _, item, session in self.new_sessions:
                session.plan = plans[item.athlete.pk, item.monday]
            LiftSession.objects.bulk_create([session for _, _, session in self.new_sessions])
            for index, _, session in self.new_sessions:
                self.results[index] = replace(self.results[index], session_id=session.pk)
                self.prescriptions[session.pk] = self.new_prescriptions[index]
        if self.prescriptions:
            LiftSet.objects.bulk_create(
                [
                    _to_row(session_id, lift_set)
                    for session_id, wanted in self.prescriptions.items()
                    for lift_set in wanted
                ]
            )


def _plans_for(items: Sequence[LoadedWeek]) -> dict[tuple[int, date], WeeklyPlan]:
    """Each athlete-week's plan, by (athlete id, Monday), creating the missing ones as drafts
    in one statement (a caller may schedule several weeks of one athlete at once)."""
    plans = {(item.athlete.pk, item.monday): item.plan for item in items if item.plan is not None}
    missing = {
        (item.athlete.pk, item.monday): WeeklyPlan(athlete=item.athlete, week_start=item.monday)
        for item in items
        if item.plan is None
    }
    for plan in WeeklyPlan.objects.bulk_create(list(missing.values())):
        plans[plan.athlete_id, plan.week_start] = plan
    return plans


def _to_row(session_id: int, lift_set: domain.LiftSet) -> LiftSet:
    return LiftSet(
        session_id=session_id,
        order=lift_set.order,
        is_warmup=lift_set.is_warmup,
        target_reps=lift_set.target_reps,
        target_load_kg=lift_set.target_load_kg,
        target_rir=lift_set.target_rir,
        target_load_reason=lift_set.target_load_reason,
    )


# ---------------------------------------------------------------------------- publishing


@atomic_with_retry
def publish_week(*, athletes: Sequence[Athlete], week: date) -> int:
    """Publish the athletes' plans for the week (creating empty ones): returns how many changed."""
    existing = {
        plan.athlete_id: plan
        for plan in WeeklyPlan.objects.select_for_update().filter(
            athlete__in=athletes, week_start=week
        )
    }
    now = timezone.now()
    missing = [
        WeeklyPlan(athlete=a, week_start=week, status=PlanStatus.PUBLISHED, published_at=now)
        for a in athletes
        if a.pk not in existing
    ]
    WeeklyPlan.objects.bulk_create(missing)
    changed = WeeklyPlan.objects.filter(
        pk__in=[p.pk for p in existing.values()], status=PlanStatus.DRAFT
    ).update(status=PlanStatus.PUBLISHED, published_at=now)
    return changed + len(missing)


# ---------------------------------------------------------------------------- fixes


@atomic_with_retry
def apply_fix(*, athlete: Athlete, week: date, code: str, now: datetime | None = None) -> str:
    """Apply the suggested fix of the week's violation `code`, as the engine computes it now
    (never as a client describes it, so a stale page cannot apply a stale fix)."""
    now = clock(now)
    report = evaluate_week(athlete=athlete, week=week, now=now)
    violation = next((v for v in report.violations if v.code == code), None)
    if violation is None:
        raise ServiceError(f"This week has no '{code}' to fix any more.")
    fix = violation.fix
    if fix is None:
        raise ServiceError(f"'{code}' has no fix the app can apply; change the week by hand.")
    label = fix.label
    match fix:
        case domain.MoveDeadlift(session_id=session_id, new_start=new_start):
            session = LiftSession.objects.get(pk=session_id, athlete=athlete)
            session.start = new_start
            session.save()
        case domain.RemoveDeadlifts(session_ids=session_ids):
            LiftSession.objects.filter(pk__in=session_ids, athlete=athlete).delete()
        case domain.DropWorkingSets(session_id=session_id, set_ids=set_ids):
            LiftSet.objects.filter(
                pk__in=set_ids, session_id=session_id, session__athlete=athlete
            ).delete()
        case domain.AddWorkingSets(session_id=session_id, count=count):
            _add_working_sets(report.loaded, session_id, count)
        case domain.SetTargetReps(session_id=session_id, set_ids=set_ids, reps=reps):
            _retarget(report.loaded, session_id, set_ids, reps=reps)
        case domain.SetTargetRir(session_id=session_id, set_ids=set_ids, rir=rir):
            _retarget(report.loaded, session_id, set_ids, rir=rir)
        case domain.ScheduleDeadlift():
            schedule_deadlift(athlete=athlete, week=week, now=now)
    return label


def _add_working_sets(loaded: LoadedWeek, session_id: int, count: int) -> None:
    existing = loaded.lift(session_id).sets
    working = [s for s in existing if not s.is_warmup]
    template = working[-1] if working else None
    reps = template.target_reps if template and template.target_reps in (3, 4) else DEFAULT_REPS
    load_kg, reason = _working_load(loaded, reps, DEFAULT_TARGET_RIR)
    next_order = max((s.order for s in existing), default=0) + 1
    LiftSet.objects.bulk_create(
        [
            LiftSet(
                session_id=session_id,
                order=next_order + offset,
                target_reps=reps,
                target_load_kg=load_kg,
                target_rir=DEFAULT_TARGET_RIR,
                target_load_reason=reason,
            )
            for offset in range(count)
        ]
    )


def _retarget(
    loaded: LoadedWeek,
    session_id: int,
    set_ids: Sequence[int],
    *,
    reps: int | None = None,
    rir: int | None = None,
) -> None:
    loaded.lift(session_id)  # still in this week
    changed = []
    # Read where they are written: logged sets are history, never retargeted.
    for lift_set in LiftSet.objects.filter(
        session_id=session_id, pk__in=list(set_ids), reps__isnull=True
    ).order_by("order"):
        lift_set.target_reps = reps if reps is not None else lift_set.target_reps
        lift_set.target_rir = rir if rir is not None else lift_set.target_rir
        # A new rep or RIR target means a new load: keep the set as heavy as the advice wants.
        load_kg, reason = _working_load(
            loaded,
            lift_set.target_reps or DEFAULT_REPS,
            lift_set.target_rir if lift_set.target_rir is not None else DEFAULT_TARGET_RIR,
        )
        if loaded.e1rm is not None:
            lift_set.target_load_kg, lift_set.target_load_reason = load_kg, reason
        changed.append(lift_set)
    LiftSet.objects.bulk_update(
        changed, ["target_reps", "target_rir", "target_load_kg", "target_load_reason"]
    )


def _working_load(loaded: LoadedWeek, reps: int, rir: int) -> tuple[Decimal | None, str]:
    reps = min(max(reps, 3), 4)
    rir = min(max(rir, 1), 2)
    working = prescribe(
        loaded.e1rm,
        sets=3,
        reps=reps,
        rir=rir,
        load_increment_kg=loaded.athlete.load_increment_kg,
        unit=loaded.athlete.units,
    )[-1]
    return working.target_load_kg, working.target_load_reason


# ---------------------------------------------------------------------------- time zones


@atomic_with_retry
def change_time_zone(*, athlete: Athlete, time_zone: str, now: datetime | None = None) -> int:
    """Change the athlete's time zone as DOMAIN.md's "The present" says: planned sessions that
    start after now keep their local date and clock time in the new zone; past, done and
    skipped ones keep their instant; then every session belongs to the plan of the week of its
    start in the new zone (a draft, created when needed). The one path for every form, API
    and admin edit of an athlete's zone: call it before saving the athlete's other fields.
    Returns how many sessions changed their start."""
    try:
        new_tz = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ServiceError(f"'{time_zone}' is not a time zone.") from None
    # Locked: two edits of one athlete's zone must not both move the sessions from the old one.
    stored = Athlete.objects.select_for_update().values_list("time_zone", flat=True)
    old_time_zone = stored.get(pk=athlete.pk)
    athlete.time_zone = time_zone
    if old_time_zone == time_zone:
        return 0
    old_tz, now = ZoneInfo(old_time_zone), clock(now)
    sessions = [
        *RunSession.objects.filter(athlete=athlete).only("start", "status", "plan"),
        *LiftSession.objects.filter(athlete=athlete).only("start", "status", "plan"),
    ]
    starts = {}
    for session in sessions:
        # A session under way or over is history and keeps its instant, like a done one.
        if session.status == SessionStatus.PLANNED and session.start > now:
            starts[session] = same_local_time(session.start, old_tz, new_tz)
    plans = WeeklyPlan.objects.for_weeks(
        athlete, {week_of(starts.get(s, s.start), new_tz) for s in sessions}
    )
    changed, moved = [], 0
    for session in sessions:
        start = starts.get(session, session.start)
        plan = plans[week_of(start, new_tz)]
        if start != session.start or plan.pk != session.plan_id:
            moved += start != session.start
            session.start, session.plan = start, plan
            changed.append(session)
    runs = [session for session in changed if isinstance(session, RunSession)]
    RunSession.objects.bulk_update(runs, ["start", "plan"], batch_size=500)
    lifts = [session for session in changed if isinstance(session, LiftSession)]
    LiftSession.objects.bulk_update(lifts, ["start", "plan"], batch_size=500)
    Athlete.objects.filter(pk=athlete.pk).update(time_zone=time_zone)
    return moved
