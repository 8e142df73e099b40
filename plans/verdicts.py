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
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypedDict

from django.db import IntegrityError, transaction
from django.db.models import FilteredRelation, Q

from athletes.models import Athlete, Coach
from plans import services
from plans.domain.format import local_time_label, weekday_short
from plans.models import PlanStatus, WeekVerdict


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
        flags=[[v.code, str(v.severity)] for v in report.violations],
    )


def roster_verdicts(*, coach: Coach, week: date) -> list[AthleteVerdict]:
    """The verdict on `week` of every active athlete of the coach, in name order: one query
    when every stored verdict holds (the athletes with their revisions, stored verdicts and
    plans for the week); judging the others adds seven."""
    rows = list(
        Athlete.objects.filter(coach=coach, is_active=True)
        .annotate(
            stored=FilteredRelation("verdicts", condition=Q(verdicts__week_start=week)),
            plan=FilteredRelation("plans", condition=Q(plans__week_start=week)),
        )
        .order_by("user__last_name", "user__first_name", "user__username")
        .values_list(
            "pk",
            "user__first_name",
            "user__last_name",
            "user__username",
            "time_zone",
            "plan__status",
            "revision__revision",
            "stored__revision",
            "stored__rules_version",
            "stored__verdict",
        )
    )
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
            revision=revisions[pk],
            rules_version=RULES_VERSION,
            verdict=fresh[pk],
        )
        for pk in sorted(fresh)
        if revisions[pk] is not None
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
