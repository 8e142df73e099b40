"""Plan templates: write a template (one way, from one document), preview and apply it to many
athletes, undo an application, and the rollout that publishes applied weeks on schedule.

Applying reads what the pure code needs in a fixed number of queries per group of athletes
(plans.selectors.read_blocks), expands each template week for each athlete
(plans.domain.templates), lets the scheduler place each week's deadlift around the new runs
(plans.domain.scheduling, written through plans.services.SchedulePlan) and writes everything in
bulk. Athletes are taken in at most PROGRESS_STEPS groups, each in one transaction: an athlete is
applied entirely or not at all, the number of queries does not grow with the number of athletes,
and a caller polling the progress sees it move.

The present: `now` is an argument (keyword-only); left out, it is the clock's, read once per call.
"""

import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError
from django.db.models import Exists, OuterRef, Q

from athletes.models import Athlete, Coach
from athletes.transactions import atomic_with_retry
from plan_templates.models import (
    DEADLIFT_REPS_RANGE,
    DEADLIFT_SETS_RANGE,
    MAX_PUBLISH_DAYS_BEFORE,
    MAX_RUN_MINUTES,
    MAX_TEMPLATE_WEEKS,
    AppliedLift,
    AppliedRun,
    ApplyBatch,
    PlanTemplate,
    TemplateApplication,
    TemplateRun,
    TemplateWeek,
)
from plans.domain import types as domain
from plans.domain.constants import (
    DEFAULT_REPS,
    DEFAULT_SETS,
    DEFAULT_TARGET_RIR,
    PLANNED,
)
from plans.domain.errors import Conflict, ServiceError
from plans.domain.prescription import prescribe, prescribed_by_scheduler
from plans.domain.rules import evaluate_week
from plans.domain.scheduling import Placement, SchedulingError, schedule_deadlift
from plans.domain.templates import (
    PlannedRun,
    ReportedRun,
    TemplateRunSpec,
    TemplateWeekSpec,
    expand_week,
)
from plans.domain.weeks import Week, in_planned_years, local_midnight
from plans.models import PlanStatus, WeeklyPlan
from plans.selectors import LoadedBlock, LoadedWeek, athlete_settings, read_blocks, read_span
from plans.services import NO_SLOT, SchedulePlan, clock
from workouts.models import LiftSession, LiftSet, RunKind, RunSession, SessionStatus

__all__ = [
    "AthleteOutcome",
    "AthletePreview",
    "DeadliftPreview",
    "Target",
    "TemplateInvalid",
    "UndoOutcome",
    "WeekPreview",
    "apply",
    "copy_template",
    "preview",
    "publish_due",
    "replace_template",
    "save_weeks_as_template",
    "template_document",
    "template_weeks",
    "undo",
]

# Apply takes the athletes in at most this many groups, one transaction each.
PROGRESS_STEPS = 10
MAX_RUNS_PER_WEEK = 21

APPLIED, ALREADY_APPLIED, FAILED = "applied", "already_applied", "failed"


@dataclass(frozen=True)
class Target:
    athlete: Athlete
    start_week: date  # the athlete's local Monday of the block's week 1


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DeadliftPreview:
    """Where the scheduler puts (or would put) the week's deadlift. outcome: placed, moved,
    unchanged, updated (apply only: same time, loads prescribed again) or no_slot."""

    outcome: str
    start: datetime | None  # UTC
    reason: str
    sets: int
    reps: int
    time_zone: ZoneInfo = ZoneInfo("UTC")

    @property
    def local_start(self) -> datetime | None:
        return None if self.start is None else self.start.astimezone(self.time_zone)


@dataclass(frozen=True)
class WeekPreview:
    number: int  # the template week, from 1
    monday: date  # the athlete's local Monday
    time_zone: ZoneInfo
    created: tuple[PlannedRun, ...]
    reported: tuple[ReportedRun, ...]
    # None: the template week has no deadlift (the athlete's own, if any, is left alone).
    deadlift: DeadliftPreview | None
    # The rules the week would break once applied (without fixes).
    violations: tuple[domain.Violation, ...]

    @property
    def week(self) -> Week:
        return Week(self.monday)

    @property
    def name(self) -> str:
        return self.week.name


@dataclass(frozen=True)
class AthletePreview:
    athlete: Athlete
    start_week: date
    already_applied: bool
    weeks: tuple[WeekPreview, ...]
    # Why nothing can be applied for this athlete ("" when it can).
    error: str = ""

    @property
    def runs_created(self) -> int:
        return sum(len(week.created) for week in self.weeks)

    @property
    def runs_reported(self) -> int:
        return sum(len(week.reported) for week in self.weeks)


@dataclass
class AthleteOutcome:
    """What applying did for one athlete: status applied, already_applied or failed."""

    athlete: Athlete
    start_week: date
    status: str
    message: str
    application_id: int | None = None
    runs_created: int = 0
    weeks: tuple[WeekPreview, ...] = ()

    @property
    def runs_reported(self) -> list[tuple[int, ReportedRun]]:
        return [(week.number, run) for week in self.weeks for run in week.reported]

    def as_json(self) -> dict[str, Any]:
        """For a batch's stored result and the API: plain JSON values."""
        return {
            "athlete": self.athlete.pk,
            "athlete_name": str(self.athlete),
            "start_week": Week(self.start_week).name,
            "status": self.status,
            "message": self.message,
            "application": self.application_id,
            "runs_created": self.runs_created,
            "runs_reported": [
                {
                    "week": number,
                    "run": run.spec.label,
                    "reason": run.reason,
                    "message": run.message,
                }
                for number, run in self.runs_reported
            ],
            "deadlifts": [
                {
                    "week": week.number,
                    "outcome": week.deadlift.outcome,
                    "start": None
                    if week.deadlift.start is None
                    else week.deadlift.start.isoformat(),
                    "reason": week.deadlift.reason,
                }
                for week in self.weeks
                if week.deadlift is not None
            ],
        }


@dataclass(frozen=True)
class UndoOutcome:
    athlete: Athlete
    start_week: date
    runs_deleted: int
    lifts_deleted: int


class TemplateInvalid(ServiceError):
    """A template document that cannot be written: `errors` by field path, like `name`,
    `weeks` or `week_list.0.runs.2.start_time` (indexes of the document's lists, from 0)."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{path}: {' '.join(msgs)}" for path, msgs in errors.items()))


# ---------------------------------------------------------------------------- reading


def template_weeks(template: PlanTemplate) -> tuple[TemplateWeekSpec, ...]:
    """The template's weeks 1..weeks as the domain's specs (a week without a row is empty, no
    deadlift): two queries."""
    rows = {
        week.number: week
        for week in TemplateWeek.objects.filter(template=template).prefetch_related("runs")
    }
    specs = []
    for number in range(1, template.weeks + 1):
        row = rows.get(number)
        if row is None:
            specs.append(TemplateWeekSpec(number))
            continue
        specs.append(
            TemplateWeekSpec(
                number=number,
                runs=tuple(
                    TemplateRunSpec(
                        weekday=run.weekday,
                        start_time=run.start_time,
                        kind=run.kind,
                        duration_minutes=run.duration_minutes,
                        distance_km=run.distance_km,
                    )
                    for run in row.runs.all()
                ),
                has_deadlift=row.has_deadlift,
                deadlift_sets=row.deadlift_sets,
                deadlift_reps=row.deadlift_reps,
            )
        )
    return tuple(specs)


def template_document(template: PlanTemplate) -> dict[str, Any]:
    """The template as the document replace_template takes (for forms, the API, copies)."""
    return {
        "name": template.name,
        "description": template.description,
        "weeks": template.weeks,
        "week_list": [
            {
                "number": week.number,
                "has_deadlift": week.has_deadlift,
                "deadlift_sets": week.deadlift_sets,
                "deadlift_reps": week.deadlift_reps,
                "runs": [
                    {
                        "weekday": run.weekday,
                        "start_time": run.start_time,
                        "kind": run.kind,
                        "duration_minutes": run.duration_minutes,
                        "distance_km": run.distance_km,
                    }
                    for run in week.runs
                ],
            }
            for week in template_weeks(template)
        ],
    }


# ---------------------------------------------------------------------------- expanding


# The domain wants ids; sessions not yet written get negative ones, unique within the process
# (next() on a count is atomic under the GIL).
_new_ids = itertools.count(-1, -1)


def _fake_id() -> int:
    return next(_new_ids)


@dataclass
class _Expanded:
    """One athlete's block worked out in memory: per week the preview, the LoadedWeek the
    scheduler saw (with the new runs) and its placement."""

    target: Target
    block: LoadedBlock
    previews: list[WeekPreview] = field(default_factory=list)
    scheduled: list[tuple[int, LoadedWeek, Placement, TemplateWeekSpec]] = field(
        default_factory=list
    )

    @property
    def mondays(self) -> list[date]:
        return [week.monday for week in self.previews]


def _in_reach(sessions: Sequence[Any], low: datetime, high: datetime) -> list[Any]:
    return [s for s in sessions if low <= s.start < high]


def _expand(
    weeks: Sequence[TemplateWeekSpec],
    target: Target,
    block: LoadedBlock,
    now: datetime,
    *,
    judge: bool,
) -> _Expanded:
    """The athlete's block: each week's runs expanded, then each week's deadlift placed around
    the new runs (the neighbouring weeks' included), week by week. With `judge`, each week as
    it would be is judged by the rules (the preview); apply skips that."""
    settings, tz = block.settings, block.settings.time_zone
    expansions = []
    new_runs: list[domain.RunSession] = []
    for spec in weeks:
        monday = target.start_week + timedelta(weeks=spec.number - 1)
        start, end = local_midnight(monday, tz), local_midnight(monday + timedelta(days=7), tz)
        around = [
            *_in_reach(block.runs, start - timedelta(days=1), end + timedelta(days=1)),
            *_in_reach(block.lifts, start - timedelta(days=1), end + timedelta(days=1)),
        ]
        expansion = expand_week(
            spec.runs, athlete=settings, monday=monday, existing=around, now=now
        )
        expansions.append(expansion)
        new_runs += [
            domain.RunSession(
                id=_fake_id(),
                kind=run.spec.kind,
                start=run.start,
                duration_minutes=run.spec.duration_minutes,
                status=PLANNED,
            )
            for run in expansion.created
        ]
    expanded = _Expanded(target, block)
    new_lifts: list[domain.LiftSession] = []
    for spec, expansion in zip(weeks, expansions, strict=True):
        loaded = block.week(expansion.monday)
        start, end = loaded.bounds
        reach_low, reach_high = start - timedelta(days=1, hours=6), end + timedelta(hours=6)
        loaded.week = replace(
            loaded.week,
            runs=tuple(
                sorted(
                    [*loaded.week.runs, *_in_reach(new_runs, reach_low, reach_high)],
                    key=lambda run: (run.start, run.id),
                )
            ),
            lifts=(*loaded.week.lifts, *_in_reach(new_lifts, reach_low, reach_high)),
        )
        deadlift = None
        judged = loaded.week
        if spec.has_deadlift:
            try:
                placement = schedule_deadlift(loaded.week, now=now)
            except SchedulingError as error:
                raise ServiceError(f"{block.athlete}: {error}") from None
            deadlift = DeadliftPreview(
                placement.outcome,
                placement.start,
                placement.reason,
                spec.deadlift_sets,
                spec.deadlift_reps,
                tz,
            )
            if judge:
                judged, placed = _after_placement(loaded, placement, spec)
            else:
                placed = _new_lift(placement)
            if placed is not None:
                new_lifts.append(placed)
            expanded.scheduled.append((spec.number, loaded, placement, spec))
        violations = evaluate_week(judged, now=now, suggest_fixes=False) if judge else ()
        expanded.previews.append(
            WeekPreview(
                number=spec.number,
                monday=expansion.monday,
                time_zone=tz,
                created=expansion.created,
                reported=expansion.reported,
                deadlift=deadlift,
                violations=tuple(violations),
            )
        )
    return expanded


def _after_placement(
    loaded: LoadedWeek, placement: Placement, spec: TemplateWeekSpec
) -> tuple[domain.AthleteWeek, domain.LiftSession | None]:
    """The week as it would be once the placement is written (for the rules), and the new
    deadlift if one is created."""
    week = loaded.week
    wanted = prescribe(
        loaded.e1rm,
        sets=spec.deadlift_sets,
        reps=spec.deadlift_reps,
        rir=DEFAULT_TARGET_RIR,
        load_increment_kg=loaded.athlete.load_increment_kg,
        unit=loaded.athlete.units,
    )
    lifts = [lift for lift in week.lifts if lift.id not in placement.extra_session_ids]
    placed = _new_lift(placement, wanted)
    if placed is not None:
        lifts.append(placed)
    elif placement.start is not None:
        lifts = [
            _moved(lift, placement.start, wanted) if lift.id == placement.session_id else lift
            for lift in lifts
        ]
    return replace(week, lifts=tuple(lifts)), placed


def _new_lift(
    placement: Placement, sets: tuple[domain.LiftSet, ...] = ()
) -> domain.LiftSession | None:
    if placement.start is None or placement.session_id is not None:
        return None
    return domain.LiftSession(
        id=_fake_id(),
        exercise="deadlift",
        start=placement.start,
        duration_minutes=placement.duration_minutes,
        status=PLANNED,
        sets=sets,
    )


def _moved(
    lift: domain.LiftSession, start: datetime, wanted: tuple[domain.LiftSet, ...]
) -> domain.LiftSession:
    if lift.is_logged or not prescribed_by_scheduler(lift.sets):
        return replace(lift, start=start)
    return replace(lift, start=start, sets=wanted)


def _check_targets(template: PlanTemplate, targets: Sequence[Target]) -> dict[int, str]:
    """Why each target cannot be applied, by position ("" when it can)."""
    seen: set[int] = set()
    for target in targets:
        if target.athlete.pk in seen:
            raise ServiceError(f"{target.athlete} is listed twice; give each athlete once.")
        seen.add(target.athlete.pk)
    errors = {}
    for index, target in enumerate(targets):
        athlete, monday = target.athlete, target.start_week
        last = monday + timedelta(weeks=template.weeks - 1)
        if not isinstance(monday, date) or isinstance(monday, datetime) or monday.weekday():
            errors[index] = f"The start week must be given by its Monday, not {monday}."
        elif not (in_planned_years(monday) and in_planned_years(last)):
            errors[index] = f"Weeks {Week(monday)} to {Week(last)} are out of the planned years."
        elif athlete.coach_id != template.coach_id:
            errors[index] = f"{athlete} is not coached by the template's coach."
        else:
            try:
                athlete_settings(athlete)
            except ServiceError as error:
                errors[index] = str(error)
    return errors


def _existing(template: PlanTemplate, targets: Sequence[Target]) -> dict[int, int]:
    """The applications of the template already made for the targets: application id by
    athlete id (one query)."""
    if not targets:
        return {}
    condition = Q(pk__in=[])
    for target in targets:
        condition |= Q(athlete_id=target.athlete.pk, start_week=target.start_week)
    found = TemplateApplication.objects.filter(condition, template=template)
    return dict(found.values_list("athlete_id", "pk"))


def _blocks(weeks: int, targets: Sequence[Target]) -> dict[int, LoadedBlock]:
    return read_blocks(
        [(t.athlete, t.start_week, t.start_week + timedelta(weeks=weeks - 1)) for t in targets]
    )


# ---------------------------------------------------------------------------- preview


def preview(
    template: PlanTemplate, targets: Sequence[Target], *, now: datetime | None = None
) -> list[AthletePreview]:
    """What applying would do, per athlete and week; writes nothing. Queries: the template's
    weeks (2), the applications (1) and read_blocks (4), whatever the number of athletes."""
    now = clock(now)
    weeks = template_weeks(template)
    errors = _check_targets(template, targets)
    good = [t for i, t in enumerate(targets) if i not in errors]
    existing = _existing(template, good)
    blocks = _blocks(template.weeks, good)
    previews = []
    for index, target in enumerate(targets):
        if index in errors:
            previews.append(
                AthletePreview(target.athlete, target.start_week, False, (), errors[index])
            )
            continue
        try:
            expanded = _expand(weeks, target, blocks[target.athlete.pk], now, judge=True)
        except ServiceError as error:
            previews.append(
                AthletePreview(target.athlete, target.start_week, False, (), str(error))
            )
            continue
        previews.append(
            AthletePreview(
                target.athlete,
                target.start_week,
                target.athlete.pk in existing,
                tuple(expanded.previews),
            )
        )
    return previews


# ---------------------------------------------------------------------------- apply


def apply(
    template: PlanTemplate,
    targets: Sequence[Target],
    *,
    publish_days_before: int | None = None,
    now: datetime | None = None,
    batch: ApplyBatch | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[AthleteOutcome]:
    """Apply the template to each target: its runs, then each week's deadlift placed by the
    scheduler with the week's sets x reps, plans as drafts (or published where the rollout's
    instant has already come). Each athlete all or nothing; an athlete the template was already
    applied to from that week is left as it is ("already applied"). The athletes go in at most
    PROGRESS_STEPS groups, each one transaction; `progress(done, total)` after each group."""
    if publish_days_before is not None and not 0 <= publish_days_before <= MAX_PUBLISH_DAYS_BEFORE:
        raise ServiceError(
            f"Publish 0 to {MAX_PUBLISH_DAYS_BEFORE} days before each week, "
            f"not {publish_days_before}."
        )
    now = clock(now)
    weeks = template_weeks(template)
    errors = _check_targets(template, targets)
    outcomes: list[AthleteOutcome | None] = [None] * len(targets)
    for index, message in errors.items():
        outcomes[index] = AthleteOutcome(
            targets[index].athlete, targets[index].start_week, FAILED, message
        )
    todo = [i for i in range(len(targets)) if i not in errors]
    total, done = len(targets), len(errors)
    size = max(1, math.ceil(len(todo) / PROGRESS_STEPS))
    for first in range(0, len(todo), size):
        group = todo[first : first + size]
        chosen = [targets[i] for i in group]
        try:
            results = _apply_group(template, weeks, chosen, publish_days_before, batch, now)
        except IntegrityError:
            # Another apply of the same template to one of them won the race: once more, and
            # it is "already applied".
            results = _apply_group(template, weeks, chosen, publish_days_before, batch, now)
        for index, result in zip(group, results, strict=True):
            outcomes[index] = result
        done += len(group)
        if progress is not None:
            progress(done, total)
    if progress is not None and not todo:
        progress(done, total)
    return [outcome for outcome in outcomes if outcome is not None]


@atomic_with_retry
def _apply_group(
    template: PlanTemplate,
    weeks: Sequence[TemplateWeekSpec],
    targets: Sequence[Target],
    publish_days_before: int | None,
    batch: ApplyBatch | None,
    now: datetime,
) -> list[AthleteOutcome]:
    existing = _existing(template, targets)
    fresh = [t for t in targets if t.athlete.pk not in existing]
    blocks = _blocks(template.weeks, fresh)
    outcomes: dict[int, AthleteOutcome] = {}
    expanded: list[_Expanded] = []
    for target in fresh:
        try:
            expanded.append(_expand(weeks, target, blocks[target.athlete.pk], now, judge=False))
        except ServiceError as error:
            outcomes[target.athlete.pk] = AthleteOutcome(
                target.athlete, target.start_week, FAILED, str(error)
            )
    applications = TemplateApplication.objects.bulk_create(
        [
            TemplateApplication(
                template=template,
                athlete=item.target.athlete,
                start_week=item.target.start_week,
                publish_days_before=publish_days_before,
                batch=batch,
            )
            for item in expanded
        ]
    )
    plans = _plans(expanded, publish_days_before, now)
    runs: list[tuple[int, RunSession]] = []
    for item, application in zip(expanded, applications, strict=True):
        athlete = item.target.athlete
        for week in item.previews:
            plan = plans[athlete.pk, week.monday]
            runs += [
                (
                    application.pk,
                    RunSession(
                        athlete_id=athlete.pk,
                        plan_id=plan.pk,
                        start=run.start,
                        duration_minutes=run.spec.duration_minutes,
                        kind=run.spec.kind,
                        distance_km=run.spec.distance_km,
                    ),
                )
                for run in week.created
            ]
    RunSession.objects.bulk_create([run for _, run in runs])
    AppliedRun.objects.bulk_create(
        [AppliedRun(application_id=app_id, run_id=run.pk) for app_id, run in runs]
    )
    schedule = SchedulePlan(now)
    positions: list[tuple[int, int, int]] = []  # (athlete, week number, result index)
    for item in expanded:
        for number, loaded, placement, spec in item.scheduled:
            loaded.plan = plans[item.target.athlete.pk, loaded.monday]
            positions.append((item.target.athlete.pk, number, len(schedule.results)))
            schedule.add(loaded, spec.deadlift_sets, spec.deadlift_reps, placement)
    schedule.write()
    application_of = {app.athlete_id: app for app in applications}
    AppliedLift.objects.bulk_create(
        [
            AppliedLift(application_id=application_of[athlete_id].pk, lift_id=result.session_id)
            for athlete_id, _, index in positions
            if (result := schedule.results[index]).outcome == "placed"
            and result.session_id is not None
        ]
    )
    results = {(a, n): schedule.results[i] for a, n, i in positions}
    for item in expanded:
        athlete = item.target.athlete
        previews = tuple(
            week
            if week.deadlift is None
            else replace(
                week,
                deadlift=replace(
                    week.deadlift,
                    outcome=results[athlete.pk, week.number].outcome,
                    start=results[athlete.pk, week.number].start,
                ),
            )
            for week in item.previews
        )
        created = sum(len(week.created) for week in previews)
        reported = sum(len(week.reported) for week in previews)
        no_slot = sum(
            1 for w in previews if w.deadlift is not None and w.deadlift.outcome == NO_SLOT
        )
        message = f"{created} runs created, {reported} reported"
        if no_slot:
            message += f"; no slot for {no_slot} deadlift{'s' if no_slot > 1 else ''}"
        outcomes[athlete.pk] = AthleteOutcome(
            athlete,
            item.target.start_week,
            APPLIED,
            message + ".",
            application_of[athlete.pk].pk,
            created,
            previews,
        )
    for target in targets:
        if target.athlete.pk in existing:
            outcomes[target.athlete.pk] = AthleteOutcome(
                target.athlete,
                target.start_week,
                ALREADY_APPLIED,
                f"Already applied from {Week(target.start_week)}; nothing changed.",
                existing[target.athlete.pk],
            )
    return [outcomes[target.athlete.pk] for target in targets]


def publish_instant(monday: date, tz: ZoneInfo, days_before: int) -> datetime:
    """The rollout's instant for a week: its local Monday 00:00 less the days (local days)."""
    return local_midnight(monday - timedelta(days=days_before), tz)


def _is_due(monday: date, tz: ZoneInfo, days_before: int | None, now: datetime) -> bool:
    if days_before is None:
        return False
    week_end = local_midnight(monday + timedelta(days=7), tz)
    return publish_instant(monday, tz, days_before) <= now < week_end


def _plans(
    expanded: Sequence[_Expanded], publish_days_before: int | None, now: datetime
) -> dict[tuple[int, date], WeeklyPlan]:
    """The plan of every week of every block: created as drafts (published where the rollout
    is due already) in one statement, and existing drafts that are due published."""
    plans: dict[tuple[int, date], WeeklyPlan] = {}
    missing, due_drafts = [], []
    for item in expanded:
        athlete, tz = item.target.athlete, item.block.settings.time_zone
        for monday in item.mondays:
            due = _is_due(monday, tz, publish_days_before, now)
            plan = item.block.plans.get(monday)
            if plan is None:
                plan = WeeklyPlan(athlete=athlete, week_start=monday)
                if due:
                    plan.status, plan.published_at = PlanStatus.PUBLISHED, now
                missing.append(plan)
            elif due and plan.status == PlanStatus.DRAFT:
                due_drafts.append(plan.pk)
            plans[athlete.pk, monday] = plan
    WeeklyPlan.objects.bulk_create(missing)
    if due_drafts:
        WeeklyPlan.objects.filter(pk__in=due_drafts).update(
            status=PlanStatus.PUBLISHED, published_at=now
        )
    return plans


# ---------------------------------------------------------------------------- undo


@atomic_with_retry
def undo(application: TemplateApplication, *, now: datetime | None = None) -> UndoOutcome:
    """Remove what the application created (its runs and the deadlifts it placed) and the
    application itself, so that it may be applied again; refused (Conflict, nothing written)
    when any of it is logged: a done run, a done deadlift or one with a logged set."""
    locked = (
        TemplateApplication.objects.select_for_update()
        .select_related("athlete__user")
        .filter(pk=application.pk)
        .first()
    )
    if locked is None:
        raise ServiceError("That application no longer exists; nothing to undo.")
    runs = RunSession.objects.filter(applied__application=locked)
    lifts = LiftSession.objects.filter(applied__application=locked)
    done_runs = runs.filter(status=SessionStatus.DONE).count()
    logged_set = LiftSet.objects.filter(session=OuterRef("pk"), reps__isnull=False)
    logged_lifts = lifts.filter(Q(status=SessionStatus.DONE) | Exists(logged_set)).count()
    if done_runs or logged_lifts:
        parts = []
        if done_runs:
            parts.append(f"{done_runs} of its runs {'is' if done_runs == 1 else 'are'} done")
        if logged_lifts:
            parts.append(
                f"{logged_lifts} of its deadlifts {'has' if logged_lifts == 1 else 'have'} "
                "logged sets"
            )
        raise Conflict(
            f"Cannot undo: {' and '.join(parts)}. Logged training is history; remove the "
            "sessions that are not logged by hand."
        )
    runs_deleted = (
        RunSession.objects.filter(pk__in=runs.values("pk"))
        .delete()[1]
        .get(RunSession._meta.label, 0)
    )
    lifts_deleted = (
        LiftSession.objects.filter(pk__in=lifts.values("pk"))
        .delete()[1]
        .get(LiftSession._meta.label, 0)
    )
    outcome = UndoOutcome(locked.athlete, locked.start_week, runs_deleted, lifts_deleted)
    locked.delete()
    return outcome


# ---------------------------------------------------------------------------- the rollout


@atomic_with_retry
def publish_due(*, now: datetime | None = None) -> int:
    """Publish every draft plan of an applied week whose rollout instant has come and whose
    week has not ended; idempotent (published plans are left as they are). Returns how many
    plans were published."""
    now = clock(now)
    # A block lasts at most MAX_TEMPLATE_WEEKS; one that started earlier than that is over.
    oldest = (now - timedelta(weeks=MAX_TEMPLATE_WEEKS + 1)).date()
    applications = (
        TemplateApplication.objects.filter(
            publish_days_before__isnull=False, start_week__gte=oldest
        )
        .select_related("athlete", "template")
        .only(
            "athlete_id",
            "start_week",
            "publish_days_before",
            "athlete__time_zone",
            "template__weeks",
        )
    )
    due: set[tuple[int, date]] = set()
    for application in applications:
        tz = ZoneInfo(application.athlete.time_zone)
        for offset in range(application.template.weeks):
            monday = application.start_week + timedelta(weeks=offset)
            if _is_due(monday, tz, application.publish_days_before, now):
                due.add((application.athlete_id, monday))
    if not due:
        return 0
    drafts = WeeklyPlan.objects.filter(
        athlete_id__in={a for a, _ in due},
        week_start__in={m for _, m in due},
        status=PlanStatus.DRAFT,
    ).values_list("pk", "athlete_id", "week_start")
    chosen = [pk for pk, athlete_id, monday in drafts if (athlete_id, monday) in due]
    if not chosen:
        return 0
    return WeeklyPlan.objects.filter(pk__in=chosen, status=PlanStatus.DRAFT).update(
        status=PlanStatus.PUBLISHED, published_at=now
    )


# ---------------------------------------------------------------------------- writing templates


_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$", re.ASCII)


class _Errors:
    def __init__(self) -> None:
        self.by_path: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.by_path.setdefault(path, []).append(message)

    def raise_any(self) -> None:
        if self.by_path:
            raise TemplateInvalid(self.by_path)


def _int(errors: _Errors, path: str, value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit() and value.isascii():
            value = int(value.strip())
        else:
            errors.add(path, f"Give a whole number from {low} to {high}.")
            return None
    if not low <= value <= high:
        errors.add(path, f"Give a whole number from {low} to {high}, not {value}.")
        return None
    return value


def _bool(errors: _Errors, path: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    errors.add(path, "Give true or false.")
    return False


def _time(errors: _Errors, path: str, value: Any) -> time | None:
    if isinstance(value, time):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, str) and (match := _TIME.match(value.strip())):
        return time(int(match[1]), int(match[2]), int(match[3] or 0))
    errors.add(path, "Give a local time like 07:30.")
    return None


def _distance(errors: _Errors, path: str, value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.add(path, "Give a distance in km, like 8.5, or leave it empty.")
        return None
    try:
        distance = Decimal(str(value).strip())
    except InvalidOperation:
        errors.add(path, "Give a distance in km, like 8.5, or leave it empty.")
        return None
    if not distance.is_finite() or not Decimal(0) <= distance <= Decimal("9999.99"):
        errors.add(path, "Give a distance from 0 to 9999.99 km.")
        return None
    if distance != distance.quantize(Decimal("0.01")):
        errors.add(path, "Give the distance to at most two decimals.")
        return None
    return distance.quantize(Decimal("0.01"))


def _text(errors: _Errors, path: str, value: Any, *, required: bool, max_length: int) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        errors.add(path, "Give a text.")
        return ""
    value = value.strip()
    if required and not value:
        errors.add(path, "This field is required.")
    elif len(value) > max_length:
        errors.add(path, f"At most {max_length} characters ({len(value)} given).")
    elif "\x00" in value:
        errors.add(path, "Text cannot contain NUL characters.")
    return value


@dataclass(frozen=True)
class _Document:
    name: str
    description: str
    weeks: int
    week_list: tuple[TemplateWeekSpec, ...]


def _parse(data: Mapping[str, Any], *, coach: Coach, template: PlanTemplate | None) -> _Document:
    errors = _Errors()
    if not isinstance(data, Mapping):
        raise TemplateInvalid({"": ["Give the template as an object."]})
    name = _text(errors, "name", data.get("name"), required=True, max_length=100)
    description = _text(
        errors, "description", data.get("description", ""), required=False, max_length=5000
    )
    weeks = _int(errors, "weeks", data.get("weeks"), 1, MAX_TEMPLATE_WEEKS)
    raw_weeks = data.get("week_list", [])
    specs: list[TemplateWeekSpec] = []
    if not isinstance(raw_weeks, list | tuple):
        errors.add("week_list", "Give a list of weeks.")
        raw_weeks = []
    numbers: set[int] = set()
    for w, raw in enumerate(raw_weeks):
        path = f"week_list.{w}"
        if not isinstance(raw, Mapping):
            errors.add(path, "Give each week as an object.")
            continue
        number = _int(errors, f"{path}.number", raw.get("number"), 1, MAX_TEMPLATE_WEEKS)
        if number is not None:
            if weeks is not None and number > weeks:
                errors.add(f"{path}.number", f"The template has {weeks} weeks, not {number}.")
            elif number in numbers:
                errors.add(f"{path}.number", f"Week {number} is given twice.")
            numbers.add(number)
        has_deadlift = _bool(errors, f"{path}.has_deadlift", raw.get("has_deadlift", False))
        sets = _int(
            errors,
            f"{path}.deadlift_sets",
            raw.get("deadlift_sets", DEFAULT_SETS),
            *DEADLIFT_SETS_RANGE,
        )
        reps = _int(
            errors,
            f"{path}.deadlift_reps",
            raw.get("deadlift_reps", DEFAULT_REPS),
            *DEADLIFT_REPS_RANGE,
        )
        raw_runs = raw.get("runs", [])
        if not isinstance(raw_runs, list | tuple):
            errors.add(f"{path}.runs", "Give a list of runs.")
            raw_runs = []
        if len(raw_runs) > MAX_RUNS_PER_WEEK:
            errors.add(f"{path}.runs", f"At most {MAX_RUNS_PER_WEEK} runs a week.")
            raw_runs = []
        runs = []
        for r, run in enumerate(raw_runs):
            at = f"{path}.runs.{r}"
            if not isinstance(run, Mapping):
                errors.add(at, "Give each run as an object.")
                continue
            weekday = _int(errors, f"{at}.weekday", run.get("weekday"), 0, 6)
            start_time = _time(errors, f"{at}.start_time", run.get("start_time"))
            kind = run.get("kind")
            if kind not in RunKind.values:
                errors.add(f"{at}.kind", f"Give one of {', '.join(RunKind.values)}.")
            duration = _int(
                errors, f"{at}.duration_minutes", run.get("duration_minutes"), 1, MAX_RUN_MINUTES
            )
            distance = _distance(errors, f"{at}.distance_km", run.get("distance_km"))
            if (
                weekday is not None
                and start_time is not None
                and duration is not None
                and kind in RunKind.values
            ):
                runs.append(TemplateRunSpec(weekday, start_time, str(kind), duration, distance))
        if number is not None and sets is not None and reps is not None:
            specs.append(TemplateWeekSpec(number, tuple(runs), has_deadlift, sets, reps))
    if name and not errors.by_path.get("name"):
        clash = PlanTemplate.objects.filter(coach=coach, name=name)
        if template is not None:
            clash = clash.exclude(pk=template.pk)
        if clash.exists():
            errors.add("name", f"You have a template named '{name}' already.")
    errors.raise_any()
    assert weeks is not None
    return _Document(name, description, weeks, tuple(sorted(specs, key=lambda s: s.number)))


def _write_weeks(template: PlanTemplate, specs: Sequence[TemplateWeekSpec]) -> None:
    TemplateWeek.objects.filter(template=template).delete()
    rows = TemplateWeek.objects.bulk_create(
        [
            TemplateWeek(
                template=template,
                number=spec.number,
                has_deadlift=spec.has_deadlift,
                deadlift_sets=spec.deadlift_sets,
                deadlift_reps=spec.deadlift_reps,
            )
            for spec in specs
        ]
    )
    TemplateRun.objects.bulk_create(
        [
            TemplateRun(
                week=row,
                weekday=run.weekday,
                start_time=run.start_time,
                kind=run.kind,
                duration_minutes=run.duration_minutes,
                distance_km=run.distance_km,
            )
            for row, spec in zip(rows, specs, strict=True)
            for run in spec.runs
        ]
    )


@atomic_with_retry
def replace_template(
    template: PlanTemplate | None, *, coach: Coach, data: Mapping[str, Any]
) -> PlanTemplate:
    """Create (template None) or replace a template from one document:

        {"name": str, "description": str, "weeks": 1..26,
         "week_list": [{"number": 1..weeks, "has_deadlift": bool, "deadlift_sets": 3..4,
                        "deadlift_reps": 3..4,
                        "runs": [{"weekday": 0..6, "start_time": "07:30" or a time,
                                  "kind": "easy"|..., "duration_minutes": 1..1440,
                                  "distance_km": "8.5" or null}]}]}

    A week left out of week_list is empty (no runs, no deadlift). The pages' form and the API's
    serializer both write through here. Errors: TemplateInvalid, by field path."""
    if template is not None and template.coach_id != coach.pk:
        raise ServiceError("That template is not yours.")
    document = _parse(data, coach=coach, template=template)
    if template is None:
        template = PlanTemplate(coach=coach)
    template.name, template.description = document.name, document.description
    template.weeks = document.weeks
    try:
        template.save()
    except IntegrityError:
        raise TemplateInvalid(
            {"name": [f"You have a template named '{document.name}' already."]}
        ) from None
    _write_weeks(template, document.week_list)
    return template


@atomic_with_retry
def copy_template(template: PlanTemplate, *, name: str) -> PlanTemplate:
    """A copy of the template, under a new name, for the same coach."""
    data = template_document(template)
    data["name"] = name
    return replace_template(None, coach=template.coach, data=data)


@atomic_with_retry
def save_weeks_as_template(
    *, coach: Coach, athlete: Athlete, first_week: date, weeks: int, name: str
) -> PlanTemplate:
    """A template from the athlete's weeks: their runs (not skipped) by weekday and local
    clock time, and for each week whether it has a deadlift, with its sets x reps (its working
    sets and target reps where they are 3-4, else 3 x 3)."""
    if athlete.coach_id != coach.pk:
        raise ServiceError(f"{athlete} is not your athlete.")
    if not isinstance(weeks, int) or not 1 <= weeks <= MAX_TEMPLATE_WEEKS:
        raise TemplateInvalid({"weeks": [f"Give 1 to {MAX_TEMPLATE_WEEKS} weeks."]})
    if first_week.weekday() != 0:
        raise TemplateInvalid(
            {"first_week": [f"A week starts on a Monday; {first_week} is not one."]}
        )
    last = first_week + timedelta(weeks=weeks - 1)
    if not (in_planned_years(first_week) and in_planned_years(last)):
        raise TemplateInvalid({"first_week": ["Give weeks in the planned years."]})
    tz = ZoneInfo(athlete.time_zone)
    week_list = []
    for number, loaded in enumerate(read_span(athlete, first_week, last), start=1):
        runs = [
            {
                "weekday": run.start.astimezone(tz).weekday(),
                "start_time": run.start.astimezone(tz).time().replace(second=0, microsecond=0),
                "kind": run.kind,
                "duration_minutes": run.duration_minutes,
                "distance_km": row["distance_km"],
            }
            for run, row in zip(loaded.week.runs, loaded.runs, strict=True)
            if not run.is_skipped
        ][:MAX_RUNS_PER_WEEK]
        deadlifts = loaded.week.deadlifts
        sets, reps = DEFAULT_SETS, DEFAULT_REPS
        if deadlifts:
            working = deadlifts[0].working_sets
            if DEADLIFT_SETS_RANGE[0] <= len(working) <= DEADLIFT_SETS_RANGE[1]:
                sets = len(working)
            target_reps = {s.target_reps for s in working}
            only = target_reps.pop() if len(target_reps) == 1 else None
            if only is not None and DEADLIFT_REPS_RANGE[0] <= only <= DEADLIFT_REPS_RANGE[1]:
                reps = only
        week_list.append(
            {
                "number": number,
                "has_deadlift": bool(deadlifts),
                "deadlift_sets": sets,
                "deadlift_reps": reps,
                "runs": runs,
            }
        )
    return replace_template(
        None,
        coach=coach,
        data={"name": name, "description": "", "weeks": weeks, "week_list": week_list},
    )
