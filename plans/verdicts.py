"""The dashboard's verdicts: what the rules found in each athlete's week, stored in the
database (WeekVerdict) and recomputed only where something changed, so a coach's roster
costs a few small reads rather than judging every week on every visit.

An athlete's revision (AthleteRevision) moves on every change to their sessions, sets, plans
or settings: database triggers keep it (plans/migrations/0003, 0005), so no write path can
forget.
RULES_VERSION is a hash of the code that decides a verdict (RULES_SOURCES: the pure domain,
the read model that decides what the rules are given, and this module), so a deploy that
changes any of it recomputes every verdict it meets. A stored verdict is used while both are
the ones it was computed at. The revision is read before the week's sessions, so a change that
lands while a verdict is computed leaves that verdict stale (recomputed next time), never
wrong."""

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path
from typing import Any, TypedDict

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from athletes.models import Athlete, Coach
from athletes.sql import column
from plans import selectors, services
from plans.domain.compliance import Share, mark
from plans.domain.format import local_time_label, weekday_short
from plans.domain.types import AthleteWeek, LiftSession, RunSession
from plans.models import AthleteRevision, PlanStatus, WeekVerdict

_HERE = Path(__file__).resolve().parent
# Everything that decides a verdict: the rules and the domain they judge, what they are given
# (the read model) and how they are called (the services' judge_athletes), and this module.
RULES_SOURCES = (
    *sorted((_HERE / "domain").glob("*.py")),
    Path(selectors.__file__).resolve(),
    Path(services.__file__).resolve(),
    _HERE / "verdicts.py",
)


def code_version(sources: tuple[Path, ...] = RULES_SOURCES) -> str:
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


RULES_VERSION = code_version()


class Verdict(TypedDict):
    hard_days: list[str]  # "Tue"
    deadlifts: list[str]  # "Tue 18:00", local
    done: int
    planned: int
    # The planned ends (ISO, UTC) of the sessions still open: the page counts those before now
    # as missed. A count of missed would go stale by the clock alone; these ends do not.
    open_ends: list[str]
    flags: list[list[str]]  # [code, severity] of each violation, errors first
    # [green, yellow, red]: the compliance of the week's sessions that no clock changes (done,
    # skipped, a lift with a set logged); an open one adds red once missed (open_ends).
    marks: list[int]
    # The week's plan's status ("draft", "published"), None without a plan: the plan moves the
    # revision too (plans/migrations/0005), so the roster query need not join the plans.
    plan: str | None


@dataclass(frozen=True)
class AthleteVerdict:
    athlete_id: int
    name: str
    username: str
    time_zone: str
    plan_status: str  # "Draft", "Published" or "No plan"
    verdict: Verdict
    revision: int | None = None  # the athlete's, as read with the roster


def judged(report: services.WeekReport) -> Verdict:
    week = report.loaded.week
    tally = report.loaded.tally
    plan = report.loaded.plan
    return Verdict(
        hard_days=[weekday_short(day) for day in sorted(week.hard_days)],
        deadlifts=[
            local_time_label(lift.effective_start, week.time_zone) for lift in week.deadlifts
        ],
        done=tally.done,
        planned=tally.planned,
        open_ends=[end.astimezone(UTC).isoformat() for end in tally.open_ends],
        flags=[[v.code, str(v.severity)] for v in report.violations],
        marks=list(_settled_marks(week)),
        plan=plan.status if plan is not None else None,
    )


def _settled_marks(week: AthleteWeek) -> tuple[int, int, int]:
    """The marks of the week's own sessions that are not open: `now` changes none of them."""
    sessions: list[RunSession | LiftSession] = [*week.runs, *week.lifts]
    share = Share.of(
        mark(session, session.planned_end)
        for session in sessions
        if week.owns(session) and selectors.open_end(session) is None
    )
    return share.green, share.yellow, share.red


def roster_verdicts(
    *, coach: Coach, week: date, athlete_id: int | None = None
) -> list[AthleteVerdict]:
    """The verdict on `week` of every active athlete of the coach (or only `athlete_id`'s), in
    name order: one query when every stored verdict holds (the athletes with their revisions,
    stored verdicts for the week); judging the others adds seven."""
    rows = _roster_with_verdicts(coach, week, athlete_id)
    current = {
        row["pk"]: row["stored_verdict"]
        for row in rows
        if row["current_revision"] is not None
        and row["stored_revision"] == row["current_revision"]
        and row["stored_rules_version"] == RULES_VERSION
    }
    stale = [row["pk"] for row in rows if row["pk"] not in current]
    if stale:
        revisions = {row["pk"]: row["current_revision"] for row in rows}
        current.update(_judge_and_store(stale, revisions, week))
    return [
        AthleteVerdict(
            athlete_id=row["pk"],
            name=Athlete.display_name(row["first_name"], row["last_name"], row["username"]),
            username=row["username"],
            time_zone=row["time_zone"],
            plan_status=_plan_label(current[row["pk"]]["plan"]),
            verdict=current[row["pk"]],
            revision=row["current_revision"],
        )
        for row in rows
    ]


def _plan_label(status: str | None) -> str:
    return PlanStatus(status).label if status else "No plan"


def roster_verdicts_over(
    *, coach: Coach, weeks: Sequence[date], athlete_id: int | None = None
) -> dict[date, list[AthleteVerdict]]:
    """roster_verdicts for each of `weeks` (the multi-week view): one query per week while the
    stored verdicts hold, whatever the roster's size."""
    return {week: roster_verdicts(coach=coach, week=week, athlete_id=athlete_id) for week in weeks}


def _roster_with_verdicts(
    coach: Coach, week: date, athlete_id: int | None = None
) -> list[dict[str, Any]]:
    """The coach's active athletes (or only `athlete_id`) in name order, each with their
    revision and their stored verdict for the week (None where there is none): one query.

    Written in SQL (athletes.sql): every dashboard visit runs it, and building and compiling
    it as a queryset (four tables, the verdicts filtered by week, nine named columns) cost more
    than reading its rows (bench/dashboard_bench.py: about 1.4 ms against 0.3 ms on SQLite for
    50 athletes)."""
    sql, names = _roster_sql(one_athlete=athlete_id is not None)
    params: list[Any] = [week, coach.pk, True]
    if athlete_id is not None:
        params.append(athlete_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    # JSON comes to a cursor as text from both databases (Django loads PostgreSQL's jsonb as
    # text, for JSONField's own decoding): decoded as the field decodes it.
    decoder = WeekVerdict._meta.get_field("verdict").decoder
    for row in rows:
        if row["stored_verdict"] is not None:
            row["stored_verdict"] = json.loads(row["stored_verdict"], cls=decoder)
    return rows


@functools.cache
def _roster_sql(*, one_athlete: bool) -> tuple[str, tuple[str, ...]]:
    """The roster query, and the names of its columns in order."""
    user_model = get_user_model()
    a, u, r, v = (m._meta.db_table for m in (Athlete, user_model, AthleteRevision, WeekVerdict))
    pk = f"{a}.{column(Athlete, 'pk')}"
    selected = {
        "pk": pk,
        "time_zone": f"{a}.{column(Athlete, 'time_zone')}",
        "first_name": f"{u}.{column(user_model, 'first_name')}",
        "last_name": f"{u}.{column(user_model, 'last_name')}",
        "username": f"{u}.{column(user_model, 'username')}",
        "current_revision": f"{r}.{column(AthleteRevision, 'revision')}",
        "stored_revision": f"stored.{column(WeekVerdict, 'revision')}",
        "stored_rules_version": f"stored.{column(WeekVerdict, 'rules_version')}",
        "stored_verdict": f"stored.{column(WeekVerdict, 'verdict')}",
    }
    conditions = [f"{a}.{column(Athlete, name)} = %s" for name in ("coach", "is_active")]
    if one_athlete:
        conditions.append(f"{pk} = %s")
    sql = (
        f"SELECT {', '.join(f'{expression} AS {name}' for name, expression in selected.items())}"
        f" FROM {a} JOIN {u} ON {u}.{column(user_model, 'pk')} = {a}.{column(Athlete, 'user')}"
        f" LEFT JOIN {r} ON {r}.{column(AthleteRevision, 'athlete')} = {pk}"
        f" LEFT JOIN {v} stored ON stored.{column(WeekVerdict, 'athlete')} = {pk}"
        f" AND stored.{column(WeekVerdict, 'week_start')} = %s"
        f" WHERE {' AND '.join(conditions)}"
        f" ORDER BY {selected['last_name']}, {selected['first_name']}, {selected['username']}, {pk}"
    )
    return sql, tuple(selected)


def _judge_and_store(
    athlete_ids: list[int], revisions: dict[int, int | None], week: date
) -> dict[int, Verdict]:
    """Judge the weeks and store the verdicts at the revisions read before (see the module's
    docstring for why before)."""
    athletes = list(Athlete.objects.filter(pk__in=athlete_ids).select_related("user"))
    fresh = {r.athlete.pk: judged(r) for r in services.judge_athletes(athletes, week)}
    # In id order, so two visits storing the same verdicts at once wait, never deadlock. An
    # athlete without a revision (never expected: a trigger counts every new athlete) is
    # judged on every visit, never stored.
    rows = [
        WeekVerdict(
            athlete_id=pk,
            week_start=week,
            revision=revision,
            rules_version=RULES_VERSION,
            verdict=fresh[pk],
        )
        for pk in sorted(fresh)
        if (revision := revisions[pk]) is not None
    ]
    try:
        with transaction.atomic():
            WeekVerdict.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["athlete", "week_start"],
                update_fields=["revision", "rules_version", "verdict"],
            )
    except IntegrityError:
        # An athlete deleted meanwhile. The verdicts are still right for this visit; the
        # next one judges and stores again.
        pass
    return fresh
