"""What the app reads for an athlete's week: the one place, with one mapper from rows to the
pure domain's dataclasses.

    read_weeks(athletes, monday, detail=...)   a roster's week, four queries whatever its size
    read_week(athlete, monday, detail=...)      one athlete's
    read_head(scope, pk)                        an athlete the user may see, with their revision
    read_span(athlete, first, last)             the sessions of several weeks (progress page)
    current_e1rms(athletes, now)                this week's e1RM of each (the athletes API)
    recent_compliance(scope, now)               each athlete's 7- and 28-day compliance

The detail levels (Detail) say how much of the week is read; every level reads the same
columns (the API's session and set fields) with `values()` over single tables, so the rows
that are read are the rows that are shown, and one mapper (`_domain`) makes the domain's
sessions and sets from them. A change to what the rules read is made here, once; the
dashboard's RULES_VERSION (plans/verdicts.py) hashes this file.
"""

import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.cache import cache
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value

from athletes.models import Athlete, Coach
from athletes.sql import column
from plans.domain import compliance
from plans.domain import types as domain
from plans.domain.constants import DONE, MIN_GAP_FROM_INTERVALS
from plans.domain.errors import ServiceError
from plans.domain.prescription import E1rm, estimate_e1rm
from plans.domain.weeks import e1rm_lookback_start, week_bounds, week_of
from plans.models import AthleteRevision, WeeklyPlan
from workouts.models import Exercise, LiftSession, LiftSet, RunSession, SessionStatus

# Sessions of the neighbouring days that can still matter to the week: a session lasts at most
# a day (a database constraint), so one starting more than a day and 6 h before the week ends
# at least 6 h before it, and one starting 6 h after the week is 6 h from anything inside it.
BEFORE_WEEK = timedelta(days=1) + MIN_GAP_FROM_INTERVALS
AFTER_WEEK = MIN_GAP_FROM_INTERVALS


class Detail(Enum):
    """How much of a week is read.

    JUDGE: what the rules read to judge without fixes (the dashboard): the runs within reach
    of the week and the week's own lifts with their sets. The same violations as SHOW's with
    suggest_fixes=False (tests/plans hold them equal); a fix needs the scheduler, which needs
    the neighbours' lifts too.
    SHOW: every session within reach with its sets: the rules with fixes, the scheduler.
    FULL: SHOW and the e1RM from the deadlift history of the 42 local days before the week
    (read with the lifts, from the history's first day): the week page, the week API,
    scheduling and fixes, which prescribe loads.
    E1RM: only the e1RM, no session of the week (the athletes list).
    """

    JUDGE = "judge"
    SHOW = "show"
    FULL = "full"
    E1RM = "e1rm"


# The columns a week is read with: the API's session and set fields, in their order.
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
    "unplanned",
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
    "original_target_load_kg",
    "adjustment",
    "reps",
    "load_kg",
    "rir",
    "failed",
    "client_id",
)


# ---------------------------------------------------------------------------- the one mapper


def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.name != "sets")


_FIELDS: dict[type, tuple[str, ...]] = {
    cls: _names(cls) for cls in (domain.RunSession, domain.LiftSession, domain.LiftSet)
}


def _domain[T](cls: type[T], row: dict) -> T:
    """A row read with the columns above as the domain's dataclass of the same field names; a
    lift's sets come along (row["sets"], rows themselves)."""
    values = {name: row[name] for name in _FIELDS[cls]}
    if cls is domain.LiftSession:
        values["sets"] = tuple(_domain(domain.LiftSet, s) for s in row["sets"])
    return cls(**values)


def to_domain_lift(lift: LiftSession) -> domain.LiftSession:
    """A lift the caller holds as a model row with its sets (the phone's set rules), mapped by
    the same mapper as the rows read here."""
    row: dict = {name: getattr(lift, name) for name in _FIELDS[domain.LiftSession]}
    row["sets"] = [
        {name: getattr(lift_set, name) for name in _FIELDS[domain.LiftSet]}
        for lift_set in lift.sets.all()
    ]
    return _domain(domain.LiftSession, row)


# ---------------------------------------------------------------------------- what is read


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
            tuple(sorted(end for end in map(open_end, own) if end is not None)),
        )


# A session that would be missed at the end of time is one still open: planned, nothing
# logged. Asking the domain so keeps one definition of missed.
END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def open_end(session: domain.RunSession | domain.LiftSession) -> datetime | None:
    """The instant after which the session is missed, unless it is done, skipped or logged
    before then; None when it never will be."""
    return session.planned_end if session.is_missed(END_OF_TIME) else None


@dataclass
class LoadedWeek:
    """One athlete-week as read at some Detail: the domain's week (the sessions the rules
    read), the plan, the e1RM, and the week's own sessions as the rows read (the API's
    fields; a lift's sets under "sets"), in start order."""

    athlete: Athlete
    monday: date
    plan: WeeklyPlan | None
    # None without logged history, and below Detail.FULL.
    e1rm: E1rm | None
    week: domain.AthleteWeek
    runs: list[dict]
    lifts: list[dict]

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return self.week.bounds

    @property
    def tally(self) -> Tally:
        return Tally.of(self.week)

    def lift(self, session_id: int) -> domain.LiftSession:
        try:
            return next(lift for lift in self.week.lifts if lift.id == session_id)
        except StopIteration:
            raise ServiceError("That deadlift is no longer in this week.") from None


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


@dataclass(frozen=True)
class _Reach:
    """The instants of one athlete's week: the week itself, what the rules may read around it,
    and the e1RM's history."""

    start: datetime
    end: datetime
    history: datetime

    @classmethod
    def of(cls, monday: date, tz: ZoneInfo) -> "_Reach":
        start, end = week_bounds(monday, tz)
        # "the best of their logged working sets in the 42 local days before the week's local
        # Monday"
        return cls(start, end, e1rm_lookback_start(monday, tz))

    def runs(self, detail: Detail) -> tuple[datetime, datetime] | None:
        if detail is Detail.E1RM:
            return None
        return self.start - BEFORE_WEEK, self.end + AFTER_WEEK

    def lifts(self, detail: Detail) -> tuple[datetime, datetime]:
        match detail:
            case Detail.JUDGE:
                return self.start, self.end
            case Detail.SHOW:
                return self.start - BEFORE_WEEK, self.end + AFTER_WEEK
            case Detail.FULL:
                return min(self.history, self.start - BEFORE_WEEK), self.end + AFTER_WEEK
        return self.history, self.start


def _in_ranges(ranges: Mapping[int, tuple[datetime, datetime] | None]) -> Q:
    """One condition for every athlete's range, grouped by range (one per time zone)."""
    by_range: dict[tuple[datetime, datetime], list[int]] = defaultdict(list)
    for pk, bounds in ranges.items():
        if bounds is not None:
            by_range[bounds].append(pk)
    condition = Q(pk__in=[])
    for (start, end), ids in by_range.items():
        condition |= Q(athlete_id__in=ids, start__gte=start, start__lt=end)
    return condition


def _lifts_with_sets(lifts: QuerySet[LiftSession]) -> list[dict]:
    """The lifts' rows in start order, each with its sets' rows in set order: two queries."""
    rows = list(lifts.order_by("start", "pk").values(*LIFT_COLUMNS))
    sets: dict[int, list[dict]] = defaultdict(list)
    chosen = LiftSet.objects.filter(session__in=lifts.values("pk")).order_by("session", "order")
    for row in chosen.values("session", *LIFT_SET_COLUMNS):
        sets[row.pop("session")].append(row)
    for row in rows:
        row["sets"] = sets[row["id"]]
    return rows


def _history(lifts: Iterable[dict], first: datetime, end: datetime) -> list[dict]:
    """The logged sets the e1RM reads: deadlift sessions not skipped, in [first, end)."""
    return [
        lift_set
        for lift in lifts
        if first <= lift["start"] < end
        and lift["exercise"] == Exercise.DEADLIFT
        and lift["status"] != SessionStatus.SKIPPED
        for lift_set in lift["sets"]
        if lift_set["reps"] is not None
    ]


def best_e1rm(lifts: Iterable[dict], first: datetime, end: datetime) -> E1rm | None:
    """The best e1RM of the logged deadlift sets of the lifts (rows as read) in [first, end)."""
    return estimate_e1rm(_domain(domain.LiftSet, row) for row in _history(lifts, first, end))


def read_weeks(
    athletes: Sequence[Athlete],
    monday: date,
    *,
    detail: Detail,
) -> dict[int, LoadedWeek]:
    """The week starting `monday` (local, per athlete) of each athlete, by athlete id: the
    plans, the runs, the lifts and their sets, four queries whatever the number of athletes
    (two for Detail.E1RM)."""
    if monday.weekday() != 0:
        raise ServiceError(f"A week starts on a Monday; {monday} is not one.")
    if not athletes:
        return {}
    settings = {athlete.pk: athlete_settings(athlete) for athlete in athletes}
    reach: dict[ZoneInfo, _Reach] = {}
    for item in settings.values():
        if item.time_zone not in reach:
            reach[item.time_zone] = _Reach.of(monday, item.time_zone)
    reach_of = {pk: reach[item.time_zone] for pk, item in settings.items()}

    plans: dict[int, WeeklyPlan] = {}
    if detail is not Detail.E1RM:
        found = WeeklyPlan.objects.filter(athlete_id__in=list(settings), week_start=monday)
        plans = {plan.athlete_id: plan for plan in found}
    run_ranges = {pk: r.runs(detail) for pk, r in reach_of.items()}
    runs: dict[int, list[dict]] = defaultdict(list)
    if detail is not Detail.E1RM:
        in_reach = RunSession.objects.filter(_in_ranges(run_ranges)).order_by("start", "pk")
        for row in in_reach.values(*RUN_COLUMNS):
            runs[row["athlete"]].append(row)
    lift_ranges = {pk: r.lifts(detail) for pk, r in reach_of.items()}
    lifts: dict[int, list[dict]] = defaultdict(list)
    for row in _lifts_with_sets(LiftSession.objects.filter(_in_ranges(lift_ranges))):
        lifts[row["athlete"]].append(row)

    loaded = {}
    for athlete in athletes:
        r = reach_of[athlete.pk]
        reach_start, reach_end = r.runs(Detail.SHOW) or (r.start, r.end)
        week_lifts = [row for row in lifts[athlete.pk] if reach_start <= row["start"]]
        e1rm = None
        if detail in (Detail.FULL, Detail.E1RM):
            e1rm = best_e1rm(lifts[athlete.pk], r.history, r.start)
        if detail is Detail.E1RM:
            week_lifts = []
        loaded[athlete.pk] = LoadedWeek(
            athlete=athlete,
            monday=monday,
            plan=plans.get(athlete.pk),
            e1rm=e1rm,
            week=domain.AthleteWeek(
                athlete=settings[athlete.pk],
                monday=monday,
                runs=tuple(_domain(domain.RunSession, row) for row in runs[athlete.pk]),
                lifts=tuple(_domain(domain.LiftSession, row) for row in week_lifts),
            ),
            runs=[row for row in runs[athlete.pk] if r.start <= row["start"] < r.end],
            lifts=[row for row in week_lifts if r.start <= row["start"] < r.end],
        )
    return loaded


def read_week(athlete: Athlete, monday: date, *, detail: Detail = Detail.FULL) -> LoadedWeek:
    return read_weeks([athlete], monday, detail=detail)[athlete.pk]


@dataclass(frozen=True)
class WeekHead:
    """What decides a week's answer apart from its sessions, its plan and the clock: the athlete,
    with the revision the database moves on every change to their sessions, sets, plans and
    settings (plans/migrations/0003, 0005). Read before the week, so a change that lands in
    between leaves a cached answer stale, never wrong."""

    athlete: Athlete
    revision: int | None


def read_head(scope: Mapping[str, int] | None, pk: int) -> WeekHead | None:
    """The athlete `pk` with their revision, if they are in `scope` (the caller's, from
    athletes.access.athlete_scope: the athlete fields that must match), in one query; None when
    they are not, or when the scope is nobody's.

    The query is written in SQL (`Manager.raw`, columns by name, the ORM's converters): every
    week API call reads the head before the cache can answer, and building and compiling it
    through the ORM (a filtered, annotated queryset) cost more than the rest of the cached
    answer together (bench/stack_bench.py: about 370 us against 90 here)."""
    if scope is None:
        return None
    fields = tuple(sorted(scope))
    found = Athlete.objects.raw(_head_sql(fields), [pk, *(scope[name] for name in fields)])
    athlete = next(iter(found), None)
    if athlete is None:
        return None
    # The query's one column beyond the model's: raw() sets it as an attribute.
    return WeekHead(athlete, athlete.week_revision)  # type: ignore[attr-defined]


@functools.cache
def _head_sql(fields: tuple[str, ...]) -> str:
    """The head's query for a scope on `fields`: the athlete's columns, named (on PostgreSQL a
    prepared statement, which a column added by a migration must not reshape), and the
    revision (none without its row: a left join, as the ORM's reverse one-to-one). Tables and
    columns are the models' own names, so a rename cannot leave it behind."""
    a, r = Athlete._meta.db_table, AthleteRevision._meta.db_table
    columns = [f"{a}.{field.column}" for field in Athlete._meta.concrete_fields]
    conditions = [f"{a}.{column(Athlete, name)} = %s" for name in ("pk", *fields)]
    return (
        f"SELECT {', '.join(columns)}, {r}.{column(AthleteRevision, 'revision')} AS week_revision"
        f" FROM {a} LEFT JOIN {r}"
        f" ON {r}.{column(AthleteRevision, 'athlete')} = {a}.{column(Athlete, 'pk')}"
        f" WHERE {' AND '.join(conditions)}"
    )


def read_span(athlete: Athlete, first: date, last: date) -> list[LoadedWeek]:
    """The weeks from the one starting `first` to the one starting `last`, each with its plan
    and its own sessions only (nothing of the neighbours, no e1RM): four queries."""
    tz = athlete_tz(athlete)
    plans = {
        plan.week_start: plan
        for plan in WeeklyPlan.objects.filter(
            athlete_id=athlete.pk, week_start__gte=first, week_start__lte=last
        )
    }
    start, end = week_bounds(first, tz)[0], week_bounds(last, tz)[1]
    span = {athlete.pk: (start, end)}
    weeks: dict[date, tuple[list[dict], list[dict]]] = defaultdict(lambda: ([], []))
    for row in (
        RunSession.objects.filter(_in_ranges(span)).order_by("start", "pk").values(*RUN_COLUMNS)
    ):
        weeks[week_of(row["start"], tz)][0].append(row)
    for row in _lifts_with_sets(LiftSession.objects.filter(_in_ranges(span))):
        weeks[week_of(row["start"], tz)][1].append(row)
    settings = athlete_settings(athlete)
    result = []
    monday = first
    while monday <= last:
        runs, lifts = weeks[monday]
        week = domain.AthleteWeek(
            athlete=settings,
            monday=monday,
            runs=tuple(_domain(domain.RunSession, row) for row in runs),
            lifts=tuple(_domain(domain.LiftSession, row) for row in lifts),
        )
        result.append(LoadedWeek(athlete, monday, plans.get(monday), None, week, runs, lifts))
        monday += timedelta(days=7)
    return result


@dataclass
class LoadedBlock:
    """An athlete's weeks from the one starting `first` to the one starting `last` as one
    span: the plans by Monday, every session within reach of any of the weeks (neighbours
    included) as the domain's dataclasses, and the lifts' rows from the e1RM history of the
    first week on (best_e1rm reads them, week by week)."""

    athlete: Athlete
    settings: domain.AthleteSettings
    first: date
    last: date
    plans: dict[date, WeeklyPlan]
    runs: list[domain.RunSession]
    lifts: list[domain.LiftSession]
    lift_rows: list[dict]

    def week(self, monday: date) -> LoadedWeek:
        """One week of the block as read_weeks(detail=FULL) would load it (the rows lists
        left empty: the week's own sessions are the domain's)."""
        reach = _Reach.of(monday, self.settings.time_zone)
        low, high = reach.start - BEFORE_WEEK, reach.end + AFTER_WEEK
        return LoadedWeek(
            athlete=self.athlete,
            monday=monday,
            plan=self.plans.get(monday),
            e1rm=best_e1rm(self.lift_rows, reach.history, reach.start),
            week=domain.AthleteWeek(
                athlete=self.settings,
                monday=monday,
                runs=tuple(run for run in self.runs if low <= run.start < high),
                lifts=tuple(lift for lift in self.lifts if low <= lift.start < high),
            ),
            runs=[],
            lifts=[],
        )


def read_blocks(spans: Sequence[tuple[Athlete, date, date]]) -> dict[int, LoadedBlock]:
    """For each (athlete, first Monday, last Monday): the block of weeks in four queries,
    whatever the number of athletes (plans, runs, lifts, sets). An athlete appears once."""
    if not spans:
        return {}
    settings, run_ranges, lift_ranges, mondays = {}, {}, {}, {}
    for athlete, first, last in spans:
        if first.weekday() != 0 or last.weekday() != 0 or last < first:
            raise ServiceError(f"A block runs from one Monday to a later one, not {first}-{last}.")
        item = settings[athlete.pk] = athlete_settings(athlete)
        head, tail = _Reach.of(first, item.time_zone), _Reach.of(last, item.time_zone)
        run_ranges[athlete.pk] = (head.start - BEFORE_WEEK, tail.end + AFTER_WEEK)
        lift_ranges[athlete.pk] = (
            min(head.history, head.start - BEFORE_WEEK),
            tail.end + AFTER_WEEK,
        )
        mondays[athlete.pk] = (first, last)
    plans: dict[int, dict[date, WeeklyPlan]] = defaultdict(dict)
    by_span: dict[tuple[date, date], list[int]] = defaultdict(list)
    for pk, span in mondays.items():
        by_span[span].append(pk)
    condition = Q(pk__in=[])
    for (first, last), ids in by_span.items():
        condition |= Q(athlete_id__in=ids, week_start__gte=first, week_start__lte=last)
    for plan in WeeklyPlan.objects.filter(condition):
        plans[plan.athlete_id][plan.week_start] = plan
    runs: dict[int, list[domain.RunSession]] = defaultdict(list)
    in_reach = RunSession.objects.filter(_in_ranges(run_ranges)).order_by("start", "pk")
    for row in in_reach.values(*RUN_COLUMNS):
        runs[row["athlete"]].append(_domain(domain.RunSession, row))
    lifts: dict[int, list[dict]] = defaultdict(list)
    for row in _lifts_with_sets(LiftSession.objects.filter(_in_ranges(lift_ranges))):
        lifts[row["athlete"]].append(row)
    return {
        athlete.pk: LoadedBlock(
            athlete=athlete,
            settings=settings[athlete.pk],
            first=first,
            last=last,
            plans=plans[athlete.pk],
            runs=runs[athlete.pk],
            lifts=[
                _domain(domain.LiftSession, row)
                for row in lifts[athlete.pk]
                if row["start"] >= run_ranges[athlete.pk][0]
            ],
            lift_rows=lifts[athlete.pk],
        )
        for athlete, first, last in spans
    }


def current_e1rms(athletes: Sequence[Athlete], now: datetime) -> dict[int, E1rm | None]:
    """Each athlete's e1RM as this week's prescription would use it: Detail.E1RM of the week
    of `now` in their time zone (two queries per distinct local Monday, one in practice)."""
    by_monday: dict[date, list[Athlete]] = defaultdict(list)
    for athlete in athletes:
        by_monday[week_of(now, athlete_tz(athlete))].append(athlete)
    e1rms = {}
    for monday, group in by_monday.items():
        for pk, loaded in read_weeks(group, monday, detail=Detail.E1RM).items():
            e1rms[pk] = loaded.e1rm
    return e1rms


def roster(coach: Coach) -> list[Athlete]:
    """A coach's active athletes, with their users, in name order."""
    return list(
        Athlete.objects.filter(coach=coach, is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


@dataclass(frozen=True)
class RecentCompliance:
    """An athlete's compliance over the last 7 and 28 local days (plans.domain.compliance)."""

    short: compliance.Share
    long: compliance.Share
    # Until when the clock alone leaves both as they are (compliance.shares_hold_until).
    holds_until: datetime


_PAST_COLUMNS = ("athlete_id", "start", "duration_minutes", "status", "actual_duration_minutes")


def recent_compliance(time_zones: Mapping[int, str], now: datetime) -> dict[int, RecentCompliance]:
    """The compliance over the last 7 and 28 local days at `now` of each athlete named (by id,
    with their time zone's name), by athlete id: one query, the runs and lifts of the 28 days
    (a lift with whether a set of it is logged) as one UNION, whatever the number of
    athletes."""
    ids = list(time_zones)
    if not ids:
        return {}
    days = compliance.LONG_WINDOW_DAYS
    since, until = compliance.window_start(now, days), now + timedelta(days=1)
    runs = (
        RunSession.objects.filter(athlete_id__in=ids, start__gte=since, start__lt=until)
        .annotate(logged=Value(False, output_field=BooleanField()))
        .order_by()  # a compound statement's parts may not be ordered
        .values_list(*_PAST_COLUMNS, "logged", "unplanned")
    )
    logged_set = LiftSet.objects.filter(session=OuterRef("pk"), reps__isnull=False)
    lifts = (
        LiftSession.objects.filter(athlete_id__in=ids, start__gte=since, start__lt=until)
        .annotate(logged=Exists(logged_set), unplanned=Value(False, output_field=BooleanField()))
        .order_by()
        .values_list(*_PAST_COLUMNS, "logged", "unplanned")
    )
    sessions: dict[int, list[compliance.PastSession]] = defaultdict(list)
    for pk, *values in runs.union(lifts, all=True):
        sessions[pk].append(compliance.PastSession(*values))
    windows = (compliance.SHORT_WINDOW_DAYS, compliance.LONG_WINDOW_DAYS)
    result = {}
    for pk, zone in time_zones.items():
        tz = ZoneInfo(zone)
        short, long = compliance.shares_over(sessions[pk], now=now, time_zone=tz, windows=windows)
        until = compliance.shares_hold_until(sessions[pk], now=now, time_zone=tz)
        result[pk] = RecentCompliance(short, long, until)
    return result


# The cached answers name the code that computed them (the domain's bands and this module).
_COMPLIANCE_CODE = hashlib.sha256(
    Path(compliance.__file__).read_bytes() + Path(__file__).read_bytes()
).hexdigest()[:12]


def _compliance_key(pk: int, zone: str, revision: int) -> str:
    return f"compliance:{_COMPLIANCE_CODE}:{pk}:{revision}:{zone}"


def cached_recent_compliance(
    athletes: Mapping[int, tuple[str, int | None]], now: datetime
) -> dict[int, RecentCompliance]:
    """recent_compliance for athletes named with their time zone and revision (the dashboard
    reads both with its roster), from the cache where an answer computed at the same revision
    still holds at `now` (before its holds_until: the clock's horizon), else computed (one
    query for all the others) and cached. An athlete's revision moves on every change to their
    sessions, sets, plans or settings (plans/migrations/0003, 0005), so a cached answer is
    never stale by a change; the horizon keeps it from going stale by the clock."""
    keys = {
        pk: _compliance_key(pk, zone, revision)
        for pk, (zone, revision) in athletes.items()
        if revision is not None
    }
    found = cache.get_many(list(keys.values())) if keys else {}
    result: dict[int, RecentCompliance] = {}
    for pk, key in keys.items():
        if key in found:
            answer = _from_cache(found[key])
            if now < answer.holds_until:
                result[pk] = answer
    missing = {pk: zone for pk, (zone, _) in athletes.items() if pk not in result}
    if missing:
        fresh = recent_compliance(missing, now)
        result.update(fresh)
        cache.set_many(
            {keys[pk]: _for_cache(answer) for pk, answer in fresh.items() if pk in keys},
            COMPLIANCE_CACHE_SECONDS,
        )
    return result


# A cached answer is kept as plain numbers: the cache pickles what it keeps, and unpickling the
# dataclasses and an aware datetime cost about 6 us an athlete, where a tuple of integers costs
# 0.3 (a third of a millisecond of a 50-athlete dashboard; bench/dashboard_bench.py).
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _for_cache(answer: RecentCompliance) -> tuple[int, ...]:
    short, long = answer.short, answer.long
    until = (answer.holds_until - _EPOCH) // _MICROSECOND  # exact, as a float would not be
    return (short.green, short.yellow, short.red, long.green, long.yellow, long.red, until)


def _from_cache(values: tuple[int, ...]) -> RecentCompliance:
    *shares, until = values
    return RecentCompliance(
        compliance.Share(*shares[:3]),
        compliance.Share(*shares[3:]),
        _EPOCH + until * _MICROSECOND,
    )


# A day at most: the horizon is never further than the next local midnight.
COMPLIANCE_CACHE_SECONDS = 24 * 60 * 60
