"""Reads for the plans engine: an athlete-week, or a whole roster's, loaded in a fixed number of
queries and turned into the pure domain's dataclasses."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Prefetch, Q, QuerySet

from athletes.models import Athlete, Coach
from plans.domain import types as domain
from plans.domain.constants import DONE, MIN_GAP_FROM_INTERVALS
from plans.domain.errors import ServiceError
from plans.domain.prescription import E1rm, estimate_e1rm
from plans.domain.weeks import e1rm_lookback_start, week_bounds, week_of
from plans.models import WeeklyPlan
from workouts.models import Exercise, LiftSession, LiftSet, RunKind, RunSession, SessionStatus

# Sessions of the neighbouring days that can still matter to the week: a session lasts at most
# a day (a database constraint), so one starting more than a day and 6 h before the week ends
# at least 6 h before it, and one starting 6 h after the week is 6 h from anything inside it.
BEFORE_WEEK = timedelta(days=1) + MIN_GAP_FROM_INTERVALS
AFTER_WEEK = MIN_GAP_FROM_INTERVALS


# A session that would be missed at the end of time is one still open: planned, nothing
# logged. Asking the domain so keeps one definition of missed.
END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def open_end(session: domain.RunSession | domain.LiftSession) -> datetime | None:
    """The instant after which the session is missed, unless it is done, skipped or logged
    before then; None when it never will be."""
    return session.planned_end if session.is_missed(END_OF_TIME) else None


@dataclass(frozen=True)
class Tally:
    """How many of the week's own sessions were done, of all planned: skipped and missed ones
    were planned and not done. `open_ends` are the planned ends of the sessions still open, in
    order: how many are missed depends on the clock, so it is counted when shown
    (presentation.missed_count), never stored."""

    done: int
    planned: int
    open_ends: tuple[datetime, ...] = ()

    @classmethod
    def of(cls, week: domain.AthleteWeek) -> "Tally":
        both: list[domain.RunSession | domain.LiftSession] = [*week.runs, *week.lifts]
        own = [session for session in both if week.owns(session)]
        return cls(
            sum(1 for session in own if session.status == DONE),
            len(own),
            _open_ends(own),
        )


def _open_ends(sessions: Iterable[domain.RunSession | domain.LiftSession]) -> tuple:
    return tuple(sorted(end for end in map(open_end, sessions) if end is not None))


@dataclass
class LoadedWeek:
    """One athlete-week as the services need it: the domain's week and, unless it was loaded
    for judging only, the model rows behind it (to change or to show)."""

    athlete: Athlete
    monday: date
    plan: WeeklyPlan | None
    # None without logged history, and also when loaded with e1rm=False: no rule needs it,
    # and reading 42 days of sets was most of the dashboard's database time.
    e1rm: E1rm | None
    week: domain.AthleteWeek
    # Set by judge_weeks, which reads only some runs and has the database count the rest.
    counted: Tally | None = None
    # Empty when loaded with rows=False (evaluate_roster): a model instance per session and
    # set was most of the dashboard's time, and judging a week needs only `week`.
    runs: list[RunSession] = field(default_factory=list)
    lifts: list[LiftSession] = field(default_factory=list)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return self.week.bounds

    @property
    def tally(self) -> Tally:
        return self.counted if self.counted is not None else Tally.of(self.week)

    def own(self, sessions):
        start, end = self.bounds
        return [session for session in sessions if start <= session.start < end]


def athlete_tz(athlete: Athlete) -> ZoneInfo:
    try:
        return ZoneInfo(athlete.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ServiceError(f"{athlete} has no valid time zone ('{athlete.time_zone}').") from None


def athlete_settings(athlete: Athlete) -> domain.AthleteSettings:
    start, end = athlete.training_window_start, athlete.training_window_end
    if start is None or end is None or start >= end:
        raise ServiceError(f"{athlete} has no valid training window; set its start and end.")
    return domain.AthleteSettings(
        athlete_id=athlete.pk,
        time_zone=athlete_tz(athlete),
        training_window_start=start,
        training_window_end=end,
        load_increment_kg=athlete.load_increment_kg,
    )


def to_domain_run(run: RunSession) -> domain.RunSession:
    return domain.RunSession(
        id=run.pk,
        kind=run.kind,
        start=run.start,
        duration_minutes=run.duration_minutes,
        status=run.status,
        actual_start=run.actual_start,
        actual_duration_minutes=run.actual_duration_minutes,
    )


def history_set(
    pk: int, order: int, reps: int | None, load_kg: Decimal | None, rir: int | None
) -> domain.LiftSet:
    """A logged working set, as the e1RM reads it: only what was done counts."""
    return domain.LiftSet(
        id=pk,
        order=order,
        is_warmup=False,
        target_reps=None,
        target_load_kg=None,
        target_rir=None,
        reps=reps,
        load_kg=load_kg,
        rir=rir,
    )


def to_domain_set(lift_set: LiftSet) -> domain.LiftSet:
    return domain.LiftSet(
        id=lift_set.pk,
        order=lift_set.order,
        is_warmup=lift_set.is_warmup,
        target_reps=lift_set.target_reps,
        target_load_kg=lift_set.target_load_kg,
        target_rir=lift_set.target_rir,
        reps=lift_set.reps,
        load_kg=lift_set.load_kg,
        rir=lift_set.rir,
        failed=lift_set.failed,
        target_load_reason=lift_set.target_load_reason,
    )


def to_domain_lift(lift: LiftSession) -> domain.LiftSession:
    return domain.LiftSession(
        id=lift.pk,
        exercise=lift.exercise,
        start=lift.start,
        duration_minutes=lift.duration_minutes,
        status=lift.status,
        actual_start=lift.actual_start,
        actual_duration_minutes=lift.actual_duration_minutes,
        sets=tuple(to_domain_set(lift_set) for lift_set in lift.sets.all()),
    )


def load_weeks(
    athletes: Sequence[Athlete], monday: date, *, rows: bool = True, e1rm: bool = True
) -> dict[int, LoadedWeek]:
    """The week starting `monday` (local, per athlete) for each athlete: five queries in all,
    whatever the number of athletes (four with e1rm=False). With rows=False the sessions and
    sets are read as plain values straight into the domain's dataclasses, without model
    instances. With e1rm=False the e1RM history is not read (judging a week needs none)."""
    if monday.weekday() != 0:
        raise ServiceError(f"A week starts on a Monday; {monday} is not one.")
    if not athletes:
        return {}
    ids = [athlete.pk for athlete in athletes]
    in_reach, lookback = Q(), Q()
    for (start, end), zone_ids in _weeks_by_zone(athletes, monday).items():
        in_reach |= Q(
            athlete_id__in=zone_ids, start__gte=start - BEFORE_WEEK, start__lt=end + AFTER_WEEK
        )
    for (first, start), zone_ids in _lookbacks_by_zone(athletes, monday).items():
        # "the best of their logged working sets in the 42 local days before the week's local
        # Monday"
        lookback |= Q(
            session__athlete_id__in=zone_ids, session__start__gte=first, session__start__lt=start
        )

    runs = RunSession.objects.filter(in_reach).order_by("start", "pk")
    lifts = LiftSession.objects.filter(in_reach).order_by("start", "pk")
    plans = WeeklyPlan.objects.filter(athlete_id__in=ids, week_start=monday)
    history = LiftSet.objects.filter(
        lookback,
        session__exercise=Exercise.DEADLIFT,
        is_warmup=False,
        reps__isnull=False,
        failed=False,
    ).exclude(session__status=SessionStatus.SKIPPED)

    if rows:
        lifts = lifts.prefetch_related(Prefetch("sets", queryset=LiftSet.objects.order_by("order")))
        runs_by_athlete = _by_athlete(runs)
        lifts_by_athlete = _by_athlete(lifts)
        domain_runs = {
            pk: [to_domain_run(run) for run in items] for pk, items in runs_by_athlete.items()
        }
        domain_lifts = {
            pk: [to_domain_lift(lift) for lift in items] for pk, items in lifts_by_athlete.items()
        }
    else:
        runs_by_athlete = lifts_by_athlete = defaultdict(list)
        domain_runs, domain_lifts = _domain_runs(runs), _domain_lifts(lifts)
    plan_by_athlete = {plan.athlete_id: plan for plan in plans}
    history_by_athlete: dict[int, list[domain.LiftSet]] = defaultdict(list)
    for athlete_id, pk, order, reps, load_kg, rir in (
        history.values_list("session__athlete_id", "pk", "order", "reps", "load_kg", "rir")
        if e1rm
        else ()
    ):
        history_by_athlete[athlete_id].append(history_set(pk, order, reps, load_kg, rir))
    loaded = {}
    for athlete in athletes:
        week = domain.AthleteWeek(
            athlete=athlete_settings(athlete),
            monday=monday,
            runs=tuple(domain_runs.get(athlete.pk, ())),
            lifts=tuple(domain_lifts.get(athlete.pk, ())),
        )
        loaded[athlete.pk] = LoadedWeek(
            athlete=athlete,
            monday=monday,
            plan=plan_by_athlete.get(athlete.pk),
            e1rm=estimate_e1rm(history_by_athlete[athlete.pk]) if e1rm else None,
            week=week,
            runs=runs_by_athlete[athlete.pk],
            lifts=lifts_by_athlete[athlete.pk],
        )
    return loaded


def _weeks_by_zone(
    athletes: Sequence[Athlete], monday: date
) -> dict[tuple[datetime, datetime], list[int]]:
    """The athletes' ids by the bounds of their week: one range per time zone, so no athlete's
    rows are read for another zone's week."""
    by_zone: dict[tuple[datetime, datetime], list[int]] = defaultdict(list)
    bounds_of: dict[str, tuple[datetime, datetime]] = {}
    for athlete in athletes:
        if athlete.time_zone not in bounds_of:
            bounds_of[athlete.time_zone] = week_bounds(monday, athlete_tz(athlete))
        by_zone[bounds_of[athlete.time_zone]].append(athlete.pk)
    return by_zone


def _lookbacks_by_zone(
    athletes: Sequence[Athlete], monday: date
) -> dict[tuple[datetime, datetime], list[int]]:
    """The athletes' ids by the bounds of their e1RM history, [first instant, week start): two
    zones that share a week's bounds may not share its history's (a DST change inside it)."""
    by_zone: dict[tuple[datetime, datetime], list[int]] = defaultdict(list)
    for athlete in athletes:
        tz = athlete_tz(athlete)
        by_zone[e1rm_lookback_start(monday, tz), week_bounds(monday, tz)[0]].append(athlete.pk)
    return by_zone


def judge_weeks(athletes: Sequence[Athlete], monday: date) -> dict[int, LoadedWeek]:
    """The week starting `monday` for each athlete, holding only what the rules read when they
    judge without suggesting fixes (the dashboard, for a whole roster at once): the interval
    runs within reach, for the 6 hours and the hard days, and the week's own lifts with their
    sets; plus the tally of the week's sessions, from its own runs' values. evaluate_week(week,
    suggest_fixes=False) finds the same violations in these weeks as in load_weeks' (tests/plans
    hold them equal); a fix would need the scheduler, which needs every session. No e1RM, no
    model rows. Five queries."""
    if monday.weekday() != 0:
        raise ServiceError(f"A week starts on a Monday; {monday} is not one.")
    if not athletes:
        return {}
    in_reach, own = Q(), Q()
    for (start, end), zone_ids in _weeks_by_zone(athletes, monday).items():
        in_reach |= Q(
            athlete_id__in=zone_ids, start__gte=start - BEFORE_WEEK, start__lt=end + AFTER_WEEK
        )
        own |= Q(athlete_id__in=zone_ids, start__gte=start, start__lt=end)

    plans = WeeklyPlan.objects.filter(athlete_id__in=[athlete.pk for athlete in athletes])
    plan_by_athlete = {plan.athlete_id: plan for plan in plans.filter(week_start=monday)}

    intervals = (
        RunSession.objects.filter(in_reach, kind=RunKind.INTERVAL)
        .exclude(status=SessionStatus.SKIPPED)
        .order_by("start", "pk")
    )
    runs: dict[int, list[domain.RunSession]] = defaultdict(list)
    for athlete_id, pk, start, minutes, status, actual, actual_minutes in intervals.values_list(
        *SESSION_FIELDS
    ):
        runs[athlete_id].append(
            domain.RunSession(pk, RunKind.INTERVAL, start, minutes, status, actual, actual_minutes)
        )

    # The week's own runs, as plain values for the tally: how many were done, and the ends of
    # those still open (a count by the database could not say which are missed at read time).
    own_runs = _domain_runs(RunSession.objects.filter(own).order_by())

    lifts = _domain_lifts(LiftSession.objects.filter(own).order_by("start", "pk"))

    loaded = {}
    for athlete in athletes:
        own_lifts = tuple(lifts[athlete.pk])
        counted: list[domain.RunSession | domain.LiftSession] = [*own_runs[athlete.pk], *own_lifts]
        loaded[athlete.pk] = LoadedWeek(
            athlete=athlete,
            monday=monday,
            plan=plan_by_athlete.get(athlete.pk),
            e1rm=None,
            week=domain.AthleteWeek(
                athlete=athlete_settings(athlete),
                monday=monday,
                runs=tuple(runs[athlete.pk]),
                lifts=own_lifts,
            ),
            counted=Tally(
                sum(1 for session in counted if session.status == DONE),
                len(counted),
                _open_ends(counted),
            ),
        )
    return loaded


SESSION_FIELDS = (
    "athlete_id",
    "pk",
    "start",
    "duration_minutes",
    "status",
    "actual_start",
    "actual_duration_minutes",
)
SET_FIELDS = (
    "session_id",
    "pk",
    "order",
    "is_warmup",
    "target_reps",
    "target_load_kg",
    "target_rir",
    "reps",
    "load_kg",
    "rir",
    "failed",
    "target_load_reason",
)


def _domain_runs(runs) -> dict[int, list[domain.RunSession]]:
    grouped: dict[int, list[domain.RunSession]] = defaultdict(list)
    for athlete_id, pk, start, minutes, status, actual, actual_minutes, kind in runs.values_list(
        *SESSION_FIELDS, "kind"
    ):
        grouped[athlete_id].append(
            domain.RunSession(
                id=pk,
                kind=kind,
                start=start,
                duration_minutes=minutes,
                status=status,
                actual_start=actual,
                actual_duration_minutes=actual_minutes,
            )
        )
    return grouped


def _domain_lifts(lifts) -> dict[int, list[domain.LiftSession]]:
    """The lifts and their sets in two queries, as to_domain_lift would make them."""
    sessions = list(lifts.values_list(*SESSION_FIELDS, "exercise"))
    sets: dict[int, list[domain.LiftSet]] = defaultdict(list)
    chosen = LiftSet.objects.filter(session__in=lifts).order_by("session_id", "order")
    for session_id, pk, *values in chosen.values_list(*SET_FIELDS):
        sets[session_id].append(domain.LiftSet(pk, *values))
    grouped: dict[int, list[domain.LiftSession]] = defaultdict(list)
    for athlete_id, pk, start, minutes, status, actual, actual_minutes, exercise in sessions:
        grouped[athlete_id].append(
            domain.LiftSession(
                id=pk,
                exercise=exercise,
                start=start,
                duration_minutes=minutes,
                status=status,
                actual_start=actual,
                actual_duration_minutes=actual_minutes,
                sets=tuple(sets[pk]),
            )
        )
    return grouped


def _by_athlete(sessions: Iterable) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for session in sessions:
        grouped[session.athlete_id].append(session)
    return grouped


def load_week(athlete: Athlete, monday: date) -> LoadedWeek:
    return load_weeks([athlete], monday)[athlete.pk]


def roster(coach: Coach) -> list[Athlete]:
    """A coach's active athletes, with their users, in name order."""
    return list(
        Athlete.objects.filter(coach=coach, is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def current_e1rms(athletes: Sequence[Athlete], now: datetime) -> dict[int, E1rm | None]:
    """Each athlete's e1RM as this week's prescription would use it (the 42 local days before
    their local Monday), in one query whatever the number of athletes."""
    if not athletes:
        return {}
    lookbacks = {}
    for athlete in athletes:
        tz = athlete_tz(athlete)
        monday = week_of(now, tz)
        lookbacks[athlete.pk] = (e1rm_lookback_start(monday, tz), week_bounds(monday, tz)[0])
    history = LiftSet.objects.filter(
        session__athlete_id__in=list(lookbacks),
        session__exercise=Exercise.DEADLIFT,
        session__start__gte=min(first for first, _ in lookbacks.values()),
        session__start__lt=max(start for _, start in lookbacks.values()),
        is_warmup=False,
        reps__isnull=False,
        failed=False,
    ).exclude(session__status=SessionStatus.SKIPPED)
    by_athlete: dict[int, list[domain.LiftSet]] = defaultdict(list)
    for row in history.values(
        "session__athlete_id", "session__start", "reps", "load_kg", "rir", "order", "pk"
    ):
        first, week_start = lookbacks[row["session__athlete_id"]]
        if first <= row["session__start"] < week_start:
            by_athlete[row["session__athlete_id"]].append(
                history_set(row["pk"], row["order"], row["reps"], row["load_kg"], row["rir"])
            )
    return {athlete.pk: estimate_e1rm(by_athlete[athlete.pk]) for athlete in athletes}


# ---------------------------------------------------------------------------- one week, to show

# The columns the week is shown with (the API's session and set fields), read as plain values.
RUN_COLUMNS = (
    "id",
    "athlete",
    "kind",
    "start",
    "duration_minutes",
    "status",
    "actual_start",
    "actual_duration_minutes",
    "notes",
    "distance_km",
)
LIFT_COLUMNS = (
    "id",
    "athlete",
    "exercise",
    "start",
    "duration_minutes",
    "status",
    "actual_start",
    "actual_duration_minutes",
    "notes",
)
LIFT_SET_COLUMNS = (
    "id",
    "order",
    "is_warmup",
    "target_reps",
    "target_load_kg",
    "target_rir",
    "target_load_reason",
    "reps",
    "load_kg",
    "rir",
    "failed",
    "client_id",
)

# In the model's field order, as Athlete.from_db takes them (the rest left deferred).
ATHLETE_COLUMNS = (
    "id",
    "user_id",
    "coach_id",
    "time_zone",
    "training_window_start",
    "training_window_end",
    "load_increment_kg",
    "is_active",
)
PLAN_COLUMNS = ("id", "status", "published_at", "coach_note")


@dataclass
class ShownWeek:
    """One athlete-week read to be shown: what load_week gives the engine (the domain's week,
    the plan, the e1RM), and the week's own sessions as plain values, lifts with their sets,
    in start order. No model instance per session or set."""

    athlete: Athlete
    monday: date
    plan: WeeklyPlan | None
    e1rm: E1rm | None
    week: domain.AthleteWeek
    runs: list[dict]
    lifts: list[dict]

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return self.week.bounds


def read_week(athletes: QuerySet[Athlete], pk: int, monday: date) -> ShownWeek | None:
    """The week starting `monday` of the athlete `pk` among `athletes` (the caller's scope, from
    athletes.access), or None when it is not among them. Four queries: the athlete, the week's
    plan, the runs within reach of the week, and the lifts with their sets from the start of
    the e1RM's look-back to the end of the reach (so the history needs no query of its own).
    Judges nothing; the same sessions, sets and history as load_week."""
    if monday.weekday() != 0:
        raise ServiceError(f"A week starts on a Monday; {monday} is not one.")
    # Values, not the scope's model instance with its user: the user is only needed to name
    # the athlete in an error, and is read then. The plan has a (compiled) query of its own:
    # joining it here cost more to compile than that query costs to run.
    found = list(athletes.filter(pk=pk).values_list(*ATHLETE_COLUMNS))
    if not found:
        return None
    athlete = Athlete.from_db(athletes.db, ATHLETE_COLUMNS, found[0])
    athlete_week_settings = athlete_settings(athlete)
    start, end = week_bounds(monday, athlete_week_settings.time_zone)
    reach_start, reach_end = start - BEFORE_WEEK, end + AFTER_WEEK
    # "the best of their logged working sets in the 42 local days before the week's local Monday"
    lookback_start = e1rm_lookback_start(monday, athlete_week_settings.time_zone)

    run_rows = [
        dict(zip(RUN_COLUMNS, values, strict=True))
        for values in _RUNS_IN_RANGE.rows(
            athletes.db, athlete=pk, after=reach_start, before=reach_end
        )
    ]
    lift_rows = _LIFTS_AND_SETS_IN_RANGE.rows(
        athletes.db, athlete=pk, after=min(lookback_start, reach_start), before=reach_end
    )

    runs: list[dict] = []
    domain_runs: list[domain.RunSession] = []
    for row in run_rows:
        domain_runs.append(
            domain.RunSession(
                id=row["id"],
                kind=row["kind"],
                start=row["start"],
                duration_minutes=row["duration_minutes"],
                status=row["status"],
                actual_start=row["actual_start"],
                actual_duration_minutes=row["actual_duration_minutes"],
            )
        )
        if start <= row["start"] < end:
            runs.append(row)

    # One row per set (a lift without sets: one row of None), in start, id and set order.
    lifts: dict[int, dict] = {}
    sets: dict[int, list[domain.LiftSet]] = defaultdict(list)
    history: list[domain.LiftSet] = []
    width = len(LIFT_COLUMNS)
    for values in lift_rows:
        lift = dict(zip(LIFT_COLUMNS, values[:width], strict=True))
        lift_set = dict(zip(LIFT_SET_COLUMNS, values[width:], strict=True))
        lift_start = lift["start"]
        if reach_start <= lift_start and lift["id"] not in lifts:
            lifts[lift["id"]] = {**lift, "sets": []}
        if lift_set["id"] is None:
            continue
        if reach_start <= lift_start:
            lifts[lift["id"]]["sets"].append(lift_set)
            sets[lift["id"]].append(
                domain.LiftSet(
                    id=lift_set["id"],
                    order=lift_set["order"],
                    is_warmup=lift_set["is_warmup"],
                    target_reps=lift_set["target_reps"],
                    target_load_kg=lift_set["target_load_kg"],
                    target_rir=lift_set["target_rir"],
                    reps=lift_set["reps"],
                    load_kg=lift_set["load_kg"],
                    rir=lift_set["rir"],
                    failed=lift_set["failed"],
                    target_load_reason=lift_set["target_load_reason"],
                )
            )
        if (
            lookback_start <= lift_start < start
            and lift["exercise"] == Exercise.DEADLIFT
            and lift["status"] != SessionStatus.SKIPPED
            and not lift_set["is_warmup"]
            and lift_set["reps"] is not None
            and not lift_set["failed"]
        ):
            history.append(
                history_set(
                    lift_set["id"],
                    lift_set["order"],
                    lift_set["reps"],
                    lift_set["load_kg"],
                    lift_set["rir"],
                )
            )
    domain_lifts = [
        domain.LiftSession(
            id=lift_id,
            exercise=lift["exercise"],
            start=lift["start"],
            duration_minutes=lift["duration_minutes"],
            status=lift["status"],
            actual_start=lift["actual_start"],
            actual_duration_minutes=lift["actual_duration_minutes"],
            sets=tuple(sets[lift_id]),
        )
        for lift_id, lift in lifts.items()
    ]

    plan = None
    for values in _PLAN_OF_WEEK.rows(athletes.db, athlete=pk, monday=monday):
        plan_values = dict(zip(PLAN_COLUMNS, values, strict=True))
        plan = WeeklyPlan(athlete=athlete, week_start=monday, **plan_values)
    return ShownWeek(
        athlete=athlete,
        monday=monday,
        plan=plan,
        e1rm=estimate_e1rm(history),
        week=domain.AthleteWeek(
            athlete=athlete_week_settings,
            monday=monday,
            runs=tuple(domain_runs),
            lifts=tuple(domain_lifts),
        ),
        runs=runs,
        lifts=[lift for lift in lifts.values() if start <= lift["start"] < end],
    )


class CompiledQuery:
    """A values_list query built and compiled once per database alias, then run with new values
    for its parameters. The week endpoint's session queries cost ten times more to build and
    compile (a join resolved per set column) than to run; the rows come back converted by the
    compiler's own converters, as the queryset would give them.

    `build` makes the queryset from keyword values; `samples` are distinct values of the right
    types, from which each SQL parameter's place is found (and its adaptation checked)."""

    def __init__(self, build: Callable[..., QuerySet], **samples: object) -> None:
        self.build = build
        self.samples = samples
        self._compiled: dict[str, tuple] = {}

    @staticmethod
    def _adapt(connection, value):
        if isinstance(value, datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, date):
            return connection.ops.adapt_datefield_value(value)
        return value

    def _compile(self, using: str) -> tuple:
        query = self.build(**self.samples).query
        compiler = query.get_compiler(using)
        sql, params = compiler.as_sql()
        adapted = {
            name: self._adapt(compiler.connection, value) for name, value in self.samples.items()
        }
        slots = []
        for param in params:
            names = [name for name, value in adapted.items() if value == param]
            if len(names) != 1:
                raise ValueError(f"No one sample value matches the SQL parameter {param!r}.")
            slots.append(names[0])
        columns = [column for column, _, _ in compiler.select]
        return query, sql, slots, columns

    def rows(self, using: str, **values: object) -> list:
        if using not in self._compiled:
            self._compiled[using] = self._compile(using)
        query, sql, slots, columns = self._compiled[using]
        # A compiler of this thread's connection (cheap: nothing is compiled again) converts.
        compiler = query.get_compiler(using)
        connection = compiler.connection
        with connection.cursor() as cursor:
            cursor.execute(sql, [self._adapt(connection, values[name]) for name in slots])
            rows = cursor.fetchall()
        converters = compiler.get_converters(columns)
        return list(compiler.apply_converters(rows, converters)) if converters else rows


_SAMPLE_AFTER = datetime(2001, 2, 3, 4, 5, tzinfo=UTC)
_SAMPLE_BEFORE = datetime(2002, 3, 4, 5, 6, tzinfo=UTC)

_RUNS_IN_RANGE = CompiledQuery(
    lambda athlete, after, before: (
        RunSession.objects.filter(athlete_id=athlete, start__gte=after, start__lt=before)
        .order_by("start", "pk")
        .values_list(*RUN_COLUMNS)
    ),
    athlete=-4242,
    after=_SAMPLE_AFTER,
    before=_SAMPLE_BEFORE,
)
# One row per set, and one of None for a lift without sets.
_LIFTS_AND_SETS_IN_RANGE = CompiledQuery(
    lambda athlete, after, before: (
        LiftSession.objects.filter(athlete_id=athlete, start__gte=after, start__lt=before)
        .order_by("start", "pk", "sets__order")
        .values_list(*LIFT_COLUMNS, *(f"sets__{name}" for name in LIFT_SET_COLUMNS))
    ),
    athlete=-4242,
    after=_SAMPLE_AFTER,
    before=_SAMPLE_BEFORE,
)
_PLAN_OF_WEEK = CompiledQuery(
    lambda athlete, monday: (
        WeeklyPlan.objects.filter(athlete_id=athlete, week_start=monday)
        .order_by()
        .values_list(*PLAN_COLUMNS)
    ),
    athlete=-4242,
    monday=date(2001, 1, 1),
)
