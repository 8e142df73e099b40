"""The dashboard's verdicts: what the rules found in each athlete's week, stored in the
database (WeekVerdict) and recomputed only where something changed, so a coach's roster
costs a few small reads rather than judging every week on every visit.

An athlete's revision (AthleteRevision) moves on every change to their sessions, sets or
settings: database triggers keep it (plans/migrations/0003), so no write path can forget.
RULES_VERSION is a hash of the code that decides a verdict, so a deploy that changes a rule
recomputes every verdict it meets. A stored verdict is used while both are the ones it was
computed at. The revision is read before the week's sessions, so a change that lands while a
verdict is computed leaves that verdict stale (recomputed next time), never wrong."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from athletes.models import Athlete, Coach
from plans import services
from plans.domain.format import local_time_label, weekday_short
from plans.models import AthleteRevision, PlanStatus, WeeklyPlan, WeekVerdict


def _code_version() -> str:
    here = Path(__file__).resolve().parent
    sources = [*sorted((here / "domain").glob("*.py")), here / "verdicts.py"]
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


RULES_VERSION = _code_version()


class Verdict(TypedDict):
    hard_days: list[str]  # "Tue"
    deadlifts: list[str]  # "Tue 18:00", local
    done: int
    planned: int
    # The planned ends (ISO, UTC) of the sessions still open: the page counts those before now
    # as missed. A count of missed would go stale by the clock alone; these ends do not.
    open_ends: list[str]
    flags: list[list[str]]  # [code, severity] of each violation, errors first


@dataclass(frozen=True)
class AthleteVerdict:
    athlete_id: int
    name: str
    username: str
    time_zone: str
    plan_status: str  # "Draft", "Published" or "No plan"
    verdict: Verdict


def judged(report: services.WeekReport) -> Verdict:
    week = report.loaded.week
    tally = report.loaded.tally
    return Verdict(
        hard_days=[weekday_short(day) for day in sorted(week.hard_days)],
        deadlifts=[
            local_time_label(lift.effective_start, week.time_zone) for lift in week.deadlifts
        ],
        done=tally.done,
        planned=tally.planned,
        open_ends=[end.astimezone(UTC).isoformat() for end in tally.open_ends],
        flags=[[v.code, str(v.severity)] for v in report.violations],
    )


def roster_verdicts(*, coach: Coach, week: date) -> list[AthleteVerdict]:
    """The verdict on `week` of every active athlete of the coach, in name order: one query
    when every stored verdict holds (the athletes with their revisions, stored verdicts and
    plans for the week); judging the others adds seven."""
    rows = _roster_with_verdicts(coach, week)
    current = {
        row[0]: row[-1]
        for row in rows
        if row[-3] == row[-4] and row[-2] == RULES_VERSION and row[-4] is not None
    }
    stale = [row[0] for row in rows if row[0] not in current]
    if stale:
        current.update(_judge_and_store(stale, {row[0]: row[-4] for row in rows}, week))
    return [
        AthleteVerdict(
            athlete_id=pk,
            name=Athlete.display_name(first_name, last_name, username),
            username=username,
            time_zone=time_zone,
            plan_status=PlanStatus(status).label if status else "No plan",
            verdict=current[pk],
        )
        for pk, first_name, last_name, username, time_zone, status, *_ in rows
    ]


# The page's one query, written out: the ORM took longer to build and compile it (two
# conditional joins) than the database takes to run it, on every visit.
ROSTER_WITH_VERDICTS = """
SELECT athlete.id, person.first_name, person.last_name, person.username, athlete.time_zone,
       plan.status, counter.revision, stored.revision, stored.rules_version, stored.verdict
FROM {athlete} athlete
JOIN {user} person ON person.id = athlete.user_id
LEFT JOIN {revision} counter ON counter.athlete_id = athlete.id
LEFT JOIN {verdict} stored ON stored.athlete_id = athlete.id AND stored.week_start = %s
LEFT JOIN {plan} plan ON plan.athlete_id = athlete.id AND plan.week_start = %s
WHERE athlete.coach_id = %s AND athlete.is_active
ORDER BY person.last_name, person.first_name, person.username, athlete.id
"""


def _roster_with_verdicts(coach: Coach, week: date) -> list[tuple]:
    """The coach's active athletes in name order, each with their plan's status, revision and
    stored verdict for the week (None where there is none)."""
    sql = ROSTER_WITH_VERDICTS.format(
        athlete=Athlete._meta.db_table,
        user=get_user_model()._meta.db_table,
        revision=AthleteRevision._meta.db_table,
        verdict=WeekVerdict._meta.db_table,
        plan=WeeklyPlan._meta.db_table,
    )
    day = connection.ops.adapt_datefield_value(week)
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, day, coach.pk])
        rows = cursor.fetchall()
    # Both databases hand the JSON over as text (Django's own JSONField decodes it likewise).
    return [
        (*row[:-1], json.loads(row[-1]) if isinstance(row[-1], str) else row[-1]) for row in rows
    ]


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
