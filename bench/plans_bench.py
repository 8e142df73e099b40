"""Benchmark of the plans engine through its service layer (issue 3).

Schedules and evaluates ATHLETES x WEEKS athlete-weeks (12,000 by default) with
plans.services.schedule_roster and evaluate_roster, one roster call per week, and compares the
time with a baseline that only bulk-inserts the same deadlift sessions and sets. Also reports
the queries per roster call for two roster sizes (they must not grow with the roster).

Issue 7's benchmark 3 is its scheduling half: one schedule_roster call for 1,000 athletes
against bulk-inserting the rows it wrote (goal <= 3x); issue 3's was scheduling and evaluating
together (same goal).

Runs on a throw-away database (see bench/common.py): SQLite, or PostgreSQL with DATABASE_URL.

    .venv/bin/python bench/plans_bench.py [--athletes 1000] [--weeks 12]
"""

import argparse
import os
import statistics
import sys
import time as clock
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from athletes.models import Coach  # noqa: E402
from bench import common  # noqa: E402
from bench.common import FIRST_MONDAY, add_history, make_roster  # noqa: E402
from plans import services  # noqa: E402
from workouts.models import LiftSession, LiftSet  # noqa: E402


def run(coach, weeks: int) -> dict[str, list[float]]:
    """Week by week: the scheduler, the evaluation, then the baseline writing exactly the rows
    the scheduler wrote. Interleaving them keeps a busy machine from favouring either side."""
    times: dict[str, list[float]] = {"schedule": [], "evaluate": [], "baseline": []}
    for week in range(weeks):
        monday = FIRST_MONDAY + timedelta(weeks=week)
        began = clock.perf_counter()
        services.schedule_roster(coach=coach, week=monday)
        times["schedule"].append(clock.perf_counter() - began)
        began = clock.perf_counter()
        services.evaluate_roster(coach=coach, week=monday)
        times["evaluate"].append(clock.perf_counter() - began)

        sessions, sets_by_session = take_back(coach, monday)
        began = clock.perf_counter()
        bulk_insert(sessions, sets_by_session)
        times["baseline"].append(clock.perf_counter() - began)
    return times


def take_back(
    coach: Coach, monday: date
) -> tuple[list[Mapping[str, Any]], dict[int, list[dict[str, Any]]]]:
    """The deadlifts the service just wrote for the week, read and then deleted."""
    sessions: list[Mapping[str, Any]] = list(
        LiftSession.objects.filter(athlete__coach=coach, plan__week_start=monday).values(
            "pk", "athlete_id", "plan_id", "start", "duration_minutes", "exercise"
        )
    )
    sets_by_session: dict[int, list[dict]] = {}
    for row in LiftSet.objects.filter(session__in=[s["pk"] for s in sessions]).values(
        "session_id",
        "order",
        "is_warmup",
        "target_reps",
        "target_load_kg",
        "target_rir",
        "target_load_reason",
    ):
        values: dict[str, Any] = dict(row)
        sets_by_session.setdefault(values.pop("session_id"), []).append(values)
    LiftSession.objects.filter(pk__in=[s["pk"] for s in sessions]).delete()
    return sessions, sets_by_session


def bulk_insert(
    sessions: list[Mapping[str, Any]], sets_by_session: dict[int, list[dict[str, Any]]]
) -> None:
    with transaction.atomic():
        created = LiftSession.objects.bulk_create(
            [LiftSession(**{k: v for k, v in row.items() if k != "pk"}) for row in sessions]
        )
        LiftSet.objects.bulk_create(
            [
                LiftSet(session_id=new.pk, **values)
                for new, old in zip(created, sessions, strict=True)
                for values in sets_by_session.get(old["pk"], [])
            ]
        )


def queries_per_roster(size: int, monday: date) -> tuple[int, int]:
    coach = make_roster(f"q{size}", size, 1, lifts=False, first_monday=monday)
    add_history(coach, monday)
    with CaptureQueriesContext(connection) as scheduled:
        services.schedule_roster(coach=coach, week=monday)
    with CaptureQueriesContext(connection) as evaluated:
        services.evaluate_roster(coach=coach, week=monday)
    return len(scheduled), len(evaluated)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--athletes", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=12)
    args = parser.parse_args(argv)

    with common.throwaway_database():
        vendor = common.vendor_name()
        coach = make_roster("bench", args.athletes, args.weeks, lifts=False)
        add_history(coach)
        times = run(coach, args.weeks)
        created_sessions = LiftSession.objects.filter(plan__week_start__gte=FIRST_MONDAY).count()
        created_sets = LiftSet.objects.filter(session__plan__week_start__gte=FIRST_MONDAY).count()
        # Rosters of their own, in a year of their own.
        elsewhere = FIRST_MONDAY + timedelta(weeks=104)
        small = queries_per_roster(10, elsewhere)
        large = queries_per_roster(200, elsewhere + timedelta(weeks=4))

    schedule, evaluate, baseline = (times[k] for k in ("schedule", "evaluate", "baseline"))
    median = statistics.median
    athlete_weeks = args.athletes * args.weeks
    total = sum(schedule) + sum(evaluate)
    print(f"### Scheduling and the plans engine ({vendor})\n")
    print(f"- command: `{common.command()}`")
    print(
        f"- {args.athletes:,} athletes x {args.weeks} weeks of five runs, bulk-inserted; one "
        f"schedule_roster and one evaluate_roster call per week, {athlete_weeks:,} athlete-weeks "
        f"in all; wrote {created_sessions:,} deadlift sessions and {created_sets:,} sets. The "
        "baseline bulk-inserts the same sessions and sets, week by week, turn about with the "
        "service\n"
    )
    print("| measure | value |\n| --- | --- |")
    print(
        f"| schedule_roster, {args.athletes:,} athletes (median of {args.weeks} weeks) "
        f"| {median(schedule):.2f} s |"
    )
    print(f"| baseline: bulk-insert the same rows (median) | {median(baseline):.2f} s |")
    print(
        f"| ratio scheduling / baseline | {common.goal(median(schedule) / median(baseline), 3)} |"
    )
    print(f"| evaluate_roster, {args.athletes:,} athletes (median) | {median(evaluate):.2f} s |")
    print(
        f"| schedule + evaluate, all {athlete_weeks:,} athlete-weeks | {total:.2f} s, "
        f"{athlete_weeks / total:,.0f} athlete-weeks/s |"
    )
    print(
        f"| ratio schedule + evaluate / baseline (issue 3) | "
        f"{common.goal(total / sum(baseline), 3)} |"
    )
    print(f"| queries per schedule_roster, 10 vs 200 athletes | {small[0]} vs {large[0]} |")
    print(f"| queries per evaluate_roster, 10 vs 200 athletes | {small[1]} vs {large[1]} |")
    print()


if __name__ == "__main__":
    main()
