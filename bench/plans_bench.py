"""Benchmark of the plans engine through its service layer (issue 3).

Schedules and evaluates ATHLETES x WEEKS athlete-weeks (10,000 by default) with
plans.services.schedule_roster and evaluate_roster, one roster call per week, and compares the
time with a baseline that only bulk-inserts the same deadlift sessions and sets. Also reports
the queries per roster call for two roster sizes (they must not grow with the roster).

Runs on a throw-away database: a temporary SQLite file, or, when DATABASE_URL is set, a
"test_" database next to the one it names (created and dropped here).

    .venv/bin/python bench/plans_bench.py [--athletes 1000] [--weeks 10]
"""

import argparse
import os
import platform
import sys
import tempfile
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from athletes.models import Athlete, Coach  # noqa: E402
from plans import services  # noqa: E402
from plans.models import WeeklyPlan  # noqa: E402
from workouts.models import LiftSession, LiftSet, RunKind, RunSession, SessionStatus  # noqa: E402

ZONES = ["Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland", "UTC", "Asia/Tokyo"]
FIRST_MONDAY = date(2027, 1, 4)


def make_roster(username: str, athletes: int, weeks: int) -> Coach:
    User = get_user_model()
    coach = Coach.objects.create(user=User.objects.create(username=username))
    users = User.objects.bulk_create(
        [User(username=f"{username}-athlete{n}") for n in range(athletes)]
    )
    roster = Athlete.objects.bulk_create(
        [
            Athlete(user=user, coach=coach, time_zone=ZONES[n % len(ZONES)])
            for n, user in enumerate(users)
        ]
    )
    plans, runs = [], []
    for athlete in roster:
        tz = ZoneInfo(athlete.time_zone)
        for week in range(weeks):
            monday = FIRST_MONDAY + timedelta(weeks=week)
            plan = WeeklyPlan(athlete=athlete, week_start=monday)
            plans.append(plan)
            for day, kind, at in [
                (1, RunKind.INTERVAL, time(7)),
                (3, RunKind.INTERVAL, time(18)),
                (0, RunKind.EASY, time(7)),
                (2, RunKind.EASY, time(12)),
                (6, RunKind.LONG, time(9)),
            ]:
                start = datetime.combine(monday + timedelta(days=day), at, tzinfo=tz)
                runs.append(RunSession(athlete=athlete, plan=plan, kind=kind, start=start))
    WeeklyPlan.objects.bulk_create(plans, batch_size=2000)
    RunSession.objects.bulk_create(runs, batch_size=2000)
    return coach


def add_history(coach: Coach) -> None:
    athletes = list(Athlete.objects.filter(coach=coach))
    monday = FIRST_MONDAY - timedelta(weeks=1)
    plans = WeeklyPlan.objects.bulk_create(
        [WeeklyPlan(athlete=a, week_start=monday) for a in athletes]
    )
    sessions = LiftSession.objects.bulk_create(
        [
            LiftSession(
                athlete=a,
                plan=p,
                start=datetime.combine(monday + timedelta(days=2), time(17), tzinfo=UTC),
                status=SessionStatus.DONE,
            )
            for a, p in zip(athletes, plans, strict=True)
        ]
    )
    LiftSet.objects.bulk_create(
        [
            LiftSet(session=s, order=o, reps=3, load_kg=Decimal(100 + (s.pk % 40) * 2.5), rir=1)
            for s in sessions
            for o in (1, 2, 3)
        ]
    )


def run(coach: Coach, weeks: int) -> tuple[float, float]:
    """Week by week: the service, then the baseline writing exactly the rows it wrote.

    Interleaving the two keeps a busy machine from favouring either side.
    """
    service_s = baseline_s = 0.0
    for week in range(weeks):
        monday = FIRST_MONDAY + timedelta(weeks=week)
        began = clock.perf_counter()
        services.schedule_roster(coach=coach, week=monday)
        services.evaluate_roster(coach=coach, week=monday)
        service_s += clock.perf_counter() - began

        sessions, sets_by_session = take_back(coach, monday)
        began = clock.perf_counter()
        bulk_insert(sessions, sets_by_session)
        baseline_s += clock.perf_counter() - began
    return service_s, baseline_s


def take_back(coach: Coach, monday: date) -> tuple[list[dict], dict[int, list[dict]]]:
    """The deadlifts the service just wrote for the week, read and then deleted."""
    sessions = list(
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
        sets_by_session.setdefault(row.pop("session_id"), []).append(row)
    LiftSession.objects.filter(pk__in=[s["pk"] for s in sessions]).delete()
    return sessions, sets_by_session


def bulk_insert(sessions: list[dict], sets_by_session: dict[int, list[dict]]) -> None:
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


def queries_per_roster(size: int) -> tuple[int, int]:
    coach = make_roster(f"q{size}", size, 1)
    add_history(coach)
    with CaptureQueriesContext(connection) as scheduled:
        services.schedule_roster(coach=coach, week=FIRST_MONDAY)
    with CaptureQueriesContext(connection) as evaluated:
        services.evaluate_roster(coach=coach, week=FIRST_MONDAY)
    return len(scheduled), len(evaluated)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--athletes", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=10)
    args = parser.parse_args()

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        coach = make_roster("bench", args.athletes, args.weeks)
        add_history(coach)
        athlete_weeks = args.athletes * args.weeks
        service_s, baseline_s = run(coach, args.weeks)
        created_sessions = LiftSession.objects.filter(plan__week_start__gte=FIRST_MONDAY).count()
        created_sets = LiftSet.objects.filter(session__plan__week_start__gte=FIRST_MONDAY).count()
        small, large = queries_per_roster(10), queries_per_roster(200)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    vendor = connection.vendor
    print(f"## Plans engine benchmark ({vendor})\n")
    print(
        f"- machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(f"- command: `{' '.join(sys.argv)}` on {vendor}")
    print(
        f"- {athlete_weeks:,} athlete-weeks ({args.athletes} athletes x {args.weeks} weeks); "
        f"wrote {created_sessions:,} deadlift sessions and {created_sets:,} sets\n"
    )
    print("| measure | value |\n| --- | --- |")
    print(
        f"| service: schedule + evaluate | {service_s:.2f} s, "
        f"{athlete_weeks / service_s:,.0f} athlete-weeks/s |"
    )
    print(f"| baseline: bulk-insert the same rows | {baseline_s:.2f} s |")
    print(f"| ratio service / baseline | {service_s / baseline_s:.2f}x (goal <= 3x) |")
    print(f"| queries per schedule_roster, 10 vs 200 athletes | {small[0]} vs {large[0]} |")
    print(f"| queries per evaluate_roster, 10 vs 200 athletes | {small[1]} vs {large[1]} |")


if __name__ == "__main__":
    main()
