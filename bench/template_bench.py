"""Benchmark of applying a plan template (issue 15).

Applies a WEEKS-week template (five runs and a deadlift a week) to ATHLETES athletes with
plan_templates.services.apply: 500 x 12 by default, 30,000 runs and 6,000 deadlifts placed by
the scheduler with their sets. The baseline bulk-inserts exactly the rows the apply wrote (the
plans, applications, runs, deadlifts, sets and the application's records of what it created)
with the ORM's bulk_create in one transaction, measured turn about with the apply in the same
run; goal: apply <= 3x the baseline. Also counts the queries of one apply for two roster sizes:
they must not grow with the number of athletes.

Runs on a throw-away database (see bench/common.py): SQLite, or PostgreSQL with DATABASE_URL.

    .venv/bin/python bench/template_bench.py [--athletes 500] [--weeks 12] [--rounds 3]
"""

import argparse
import os
import statistics
import sys
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from athletes.models import Athlete, Coach  # noqa: E402
from bench import common  # noqa: E402
from bench.common import FIRST_MONDAY, WEEK_RUNS, add_history, make_roster  # noqa: E402
from plan_templates import services  # noqa: E402
from plan_templates.models import (  # noqa: E402
    AppliedLift,
    AppliedRun,
    PlanTemplate,
    TemplateApplication,
)
from plans.models import WeeklyPlan  # noqa: E402
from workouts.models import LiftSession, LiftSet, RunSession  # noqa: E402

# Saturday noon UTC before the block: every week of it lies ahead.
NOW = datetime.combine(FIRST_MONDAY - timedelta(days=2), time(12), UTC)


def make_template(coach: Coach, weeks: int) -> PlanTemplate:
    runs = [
        {
            "weekday": day,
            "start_time": at,
            "kind": str(kind),
            "duration_minutes": 60,
            "distance_km": "10",
        }
        for day, kind, at in WEEK_RUNS
    ]
    return services.replace_template(
        None,
        coach=coach,
        data={
            "name": f"Bench block {weeks} weeks",
            "weeks": weeks,
            "week_list": [
                {"number": n, "has_deadlift": True, "deadlift_sets": 3, "deadlift_reps": 3}
                | {"runs": runs}
                for n in range(1, weeks + 1)
            ],
        },
    )


def targets(coach: Coach, monday: date) -> list[services.Target]:
    roster = Athlete.objects.filter(coach=coach).select_related("user").order_by("pk")
    return [services.Target(athlete, monday) for athlete in roster]


Snapshot = dict[str, list[dict[str, Any]]]


def rows_of(rows: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in rows]


def take_back(template: PlanTemplate) -> Snapshot:
    """The rows the apply wrote, read and then deleted (not timed)."""
    applications = TemplateApplication.objects.filter(template=template)
    runs = RunSession.objects.filter(applied__application__in=applications)
    lifts = LiftSession.objects.filter(applied__application__in=applications)
    athletes = applications.values("athlete")
    plans = WeeklyPlan.objects.filter(athlete__in=athletes, week_start__gte=FIRST_MONDAY)
    snapshot: Snapshot = {
        "plans": rows_of(plans.values()),
        "applications": rows_of(applications.values()),
        "runs": rows_of(runs.values()),
        "applied_runs": rows_of(AppliedRun.objects.filter(application__in=applications).values()),
        "lifts": rows_of(lifts.values()),
        "sets": rows_of(LiftSet.objects.filter(session__in=lifts).values()),
        "applied_lifts": rows_of(AppliedLift.objects.filter(application__in=applications).values()),
    }
    clear(template)
    return snapshot


def clear(template: PlanTemplate) -> None:
    with transaction.atomic():
        applications = TemplateApplication.objects.filter(template=template)
        athletes = list(applications.values_list("athlete", flat=True))
        RunSession.objects.filter(applied__application__in=applications).delete()
        LiftSession.objects.filter(athlete__in=athletes, start__gte=NOW).delete()
        applications.delete()
        WeeklyPlan.objects.filter(athlete__in=athletes, week_start__gte=FIRST_MONDAY).delete()


def bulk_insert(rows: Snapshot) -> None:
    """The baseline: the same rows with bulk_create, new ids mapped, in one transaction."""

    def fresh(row: dict[str, Any], **ids: int) -> dict[str, Any]:
        return {k: v for k, v in row.items() if k != "id"} | ids

    with transaction.atomic():
        plans = WeeklyPlan.objects.bulk_create([WeeklyPlan(**fresh(r)) for r in rows["plans"]])
        plan_ids = {old["id"]: new.pk for old, new in zip(rows["plans"], plans, strict=True)}
        applications = TemplateApplication.objects.bulk_create(
            [TemplateApplication(**fresh(r)) for r in rows["applications"]]
        )
        app_ids = {
            old["id"]: new.pk for old, new in zip(rows["applications"], applications, strict=True)
        }
        runs = RunSession.objects.bulk_create(
            [RunSession(**fresh(r, plan_id=plan_ids[r["plan_id"]])) for r in rows["runs"]]
        )
        run_ids = {old["id"]: new.pk for old, new in zip(rows["runs"], runs, strict=True)}
        AppliedRun.objects.bulk_create(
            [
                AppliedRun(application_id=app_ids[r["application_id"]], run_id=run_ids[r["run_id"]])
                for r in rows["applied_runs"]
            ]
        )
        lifts = LiftSession.objects.bulk_create(
            [LiftSession(**fresh(r, plan_id=plan_ids[r["plan_id"]])) for r in rows["lifts"]]
        )
        lift_ids = {old["id"]: new.pk for old, new in zip(rows["lifts"], lifts, strict=True)}
        LiftSet.objects.bulk_create(
            [LiftSet(**fresh(r, session_id=lift_ids[r["session_id"]])) for r in rows["sets"]]
        )
        AppliedLift.objects.bulk_create(
            [
                AppliedLift(
                    application_id=app_ids[r["application_id"]], lift_id=lift_ids[r["lift_id"]]
                )
                for r in rows["applied_lifts"]
            ]
        )


def raw_insert(rows: Snapshot) -> None:
    """The strictest baseline: the same rows as executemany INSERTs of prepared tuples
    (bench.common.Rows, as the rosters are generated), new ids mapped, in one transaction."""
    with transaction.atomic():
        tables = {
            name: common.Rows(model)
            for name, model in (
                ("plans", WeeklyPlan),
                ("applications", TemplateApplication),
                ("runs", RunSession),
                ("applied_runs", AppliedRun),
                ("lifts", LiftSession),
                ("sets", LiftSet),
                ("applied_lifts", AppliedLift),
            )
        }
        new: dict[str, dict[int, int]] = {name: {} for name in tables}
        parents = {
            "plan_id": "plans",
            "application_id": "applications",
            "run_id": "runs",
            "session_id": "lifts",
            "lift_id": "lifts",
        }
        for name, table in tables.items():
            for row in rows[name]:
                values = {
                    key: new[parents[key]][value] if key in parents else value
                    for key, value in row.items()
                    if key != "id"
                }
                new[name][row["id"]] = table.add(**values)
            table.insert()


def queries_per_apply(size: int, monday: date, weeks: int) -> int:
    coach = make_roster(f"q{size}", size, 0, lifts=False)
    add_history(coach, monday)
    template = make_template(coach, weeks)
    chosen = targets(coach, monday)
    at = datetime.combine(monday - timedelta(days=2), time(12), UTC)
    with CaptureQueriesContext(connection) as captured:
        outcomes = services.apply(template, chosen, now=at)
    assert {o.status for o in outcomes} == {"applied"}, {o.message for o in outcomes}
    return len(captured)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--athletes", type=int, default=500)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--query-sizes", default="50,500", help="two roster sizes whose queries are counted"
    )
    args = parser.parse_args(argv)
    small_size, large_size = (int(n) for n in args.query_sizes.split(","))

    applied: list[float] = []
    baseline: list[float] = []
    raw: list[float] = []
    with common.throwaway_database():
        vendor = common.vendor_name()
        coach = make_roster("bench", args.athletes, 0, lifts=False)
        add_history(coach)
        template = make_template(coach, args.weeks)
        chosen = targets(coach, FIRST_MONDAY)
        written: dict[str, int] = {}
        for _ in range(args.rounds):
            began = clock.perf_counter()
            outcomes = services.apply(template, chosen, now=NOW)
            applied.append(clock.perf_counter() - began)
            assert {o.status for o in outcomes} == {"applied"}, {o.message for o in outcomes}
            rows = take_back(template)
            written = {name: len(items) for name, items in rows.items()}
            began = clock.perf_counter()
            bulk_insert(rows)
            baseline.append(clock.perf_counter() - began)
            clear(template)
            began = clock.perf_counter()
            raw_insert(rows)
            raw.append(clock.perf_counter() - began)
            clear(template)
        # Rosters of their own, a year later.
        elsewhere = FIRST_MONDAY + timedelta(weeks=52)
        small = queries_per_apply(small_size, elsewhere, args.weeks)
        large = queries_per_apply(
            large_size, elsewhere + timedelta(weeks=args.weeks + 1), args.weeks
        )

    median = statistics.median
    ratio = median(applied) / median(baseline)
    raw_ratio = median(applied) / median(raw)
    print(f"### Applying a plan template ({vendor})\n")
    print(f"- command: `{common.command()}`")
    print(
        f"- a {args.weeks}-week template (five runs and a deadlift a week) applied to "
        f"{args.athletes:,} athletes in five time zones with one deadlift logged each before "
        f"the block; wrote {written.get('runs', 0):,} runs, {written.get('lifts', 0):,} "
        f"deadlifts with {written.get('sets', 0):,} sets, {written.get('plans', 0):,} plans "
        "and the applications' records. The baseline bulk-inserts the same rows "
        f"twice, turn about with the apply: with bulk_create in one transaction, and (stricter) "
        "as executemany INSERTs of prepared rows (bench/common.py's Rows); "
        f"{args.rounds} round(s)\n"
    )
    print("| measure | value |\n| --- | --- |")
    print(
        f"| apply, {args.athletes:,} athletes (median; rounds: "
        f"{', '.join(f'{t:.1f}' for t in applied)} s) | {median(applied):.2f} s |"
    )
    print(
        f"| baseline: bulk-insert the same rows (median; rounds: "
        f"{', '.join(f'{t:.1f}' for t in baseline)} s) | {median(baseline):.2f} s |"
    )
    print(f"| ratio apply / baseline | {common.goal(ratio, 3)} |")
    print(
        f"| stricter baseline: executemany of prepared rows (median; rounds: "
        f"{', '.join(f'{t:.1f}' for t in raw)} s) | {median(raw):.2f} s |"
    )
    print(f"| ratio apply / stricter baseline | {common.goal(raw_ratio, 3)} |")
    print(f"| queries per apply, {small_size} vs {large_size} athletes | {small} vs {large} |")
    print()


if __name__ == "__main__":
    main()
