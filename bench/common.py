"""What the benchmarks share: Django set up from a script, a throw-away database, a generated
roster bulk-inserted in a few statements, medians of interleaved runs, and the machine line of
the report.

Import it first: it sets Django up, so the models can be imported after it.
"""

import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from athletes.models import Athlete, Coach  # noqa: E402
from plans.models import PlanStatus, WeeklyPlan  # noqa: E402
from workouts.models import (  # noqa: E402
    Exercise,
    LiftSession,
    LiftSet,
    RunKind,
    RunSession,
    SessionStatus,
)

ZONES = ["Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland", "UTC", "Asia/Tokyo"]
FIRST_MONDAY = date(2027, 1, 4)
PASSWORD = "bench-password-not-secret"
BATCH = 2000

# A week's runs: (weekday, kind, local time). Two interval days, so the deadlift has a hard day
# to go to, as in a real plan.
WEEK_RUNS = [
    (1, RunKind.INTERVAL, clock_time(7)),
    (3, RunKind.INTERVAL, clock_time(18)),
    (0, RunKind.EASY, clock_time(7)),
    (2, RunKind.EASY, clock_time(12)),
    (6, RunKind.LONG, clock_time(9)),
]


# ---------------------------------------------------------------------------- the database


@contextmanager
def throwaway_database() -> Iterator[Mapping[str, Any]]:
    """A fresh, migrated database for the run, dropped afterwards: a temporary SQLite file, or
    on PostgreSQL (DATABASE_URL) a database of its own next to the one named, so neither the
    configured database nor a test run's "test_" database is touched. Yields the settings of
    the new database (its NAME is the file or the database name)."""
    db = settings.DATABASES["default"]
    with tempfile.TemporaryDirectory(prefix="ironstride-bench-") as folder:
        if connection.vendor == "sqlite":
            db.setdefault("TEST", {})["NAME"] = str(Path(folder) / "bench.sqlite3")
        else:
            db.setdefault("TEST", {})["NAME"] = f"{db['NAME']}_bench_{os.getpid()}"
        old_name = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        try:
            yield settings.DATABASES["default"]
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def database_url(db: Mapping[str, Any]) -> str:
    """The DATABASE_URL of the throw-away PostgreSQL database, for a server process."""
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or ''}{port}/{db['NAME']}"


# ---------------------------------------------------------------------------- the roster


def make_roster(
    username: str, athletes: int, weeks: int, *, lifts: bool = True, first_monday=FIRST_MONDAY
) -> Coach:
    """A coach and `athletes` athletes with `weeks` weeks of five runs each, bulk-inserted.

    With `lifts`, each week also has a deadlift of three working sets on the Tuesday evening,
    logged (done) in the weeks before the last two, and the plans before the last two are
    published: a roster part-way through a training block. Every fifth athlete has their
    deadlift 5 h after the morning intervals (an error on the dashboard) and every seventh on a
    Saturday, not their hard day (a warning), so the rules have something to say."""
    User = get_user_model()
    password = make_password(PASSWORD)
    coach = Coach.objects.create(
        user=User.objects.create(username=username, password=password, first_name="Bench")
    )
    users = User.objects.bulk_create(
        [
            User(
                username=f"{username}-athlete{n}",
                first_name=f"Athlete{n:04d}",
                last_name=username.title(),
                password=password,
            )
            for n in range(athletes)
        ],
        batch_size=BATCH,
    )
    roster = Athlete.objects.bulk_create(
        [
            Athlete(user=user, coach=coach, time_zone=ZONES[n % len(ZONES)])
            for n, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    plans, runs, sessions, sets = (
        Rows(model) for model in (WeeklyPlan, RunSession, LiftSession, LiftSet)
    )
    for n, athlete in enumerate(roster):
        tz = ZoneInfo(athlete.time_zone)
        load = Decimal(100 + (athlete.pk % 40) * 2.5)
        for week in range(weeks):
            monday = first_monday + timedelta(weeks=week)
            history = lifts and week < weeks - 2
            plan = plans.add(
                athlete_id=athlete.pk,
                week_start=monday,
                status=PlanStatus.PUBLISHED if history else PlanStatus.DRAFT,
                published_at=datetime.combine(monday, clock_time(), tzinfo=UTC)
                if history
                else None,
            )
            status = SessionStatus.DONE if history else SessionStatus.PLANNED
            for day, kind, at in WEEK_RUNS:
                start = datetime.combine(monday + timedelta(days=day), at, tzinfo=tz)
                runs.add(athlete_id=athlete.pk, plan_id=plan, kind=kind, start=start, status=status)
            if lifts:
                day = 5 if n % 7 == 0 else 1
                at = clock_time(12) if n % 5 == 0 else clock_time(18)
                session = sessions.add(
                    athlete_id=athlete.pk,
                    plan_id=plan,
                    exercise=Exercise.DEADLIFT,
                    start=datetime.combine(monday + timedelta(days=day), at, tzinfo=tz),
                    status=status,
                )
                done = {"reps": 3, "load_kg": load, "rir": 1} if history else {}
                for order in (1, 2, 3):
                    sets.add(
                        session_id=session,
                        order=order,
                        target_reps=3,
                        target_load_kg=load,
                        target_rir=1,
                        **done,
                    )
    for rows in (plans, runs, sessions, sets):
        rows.insert()
    return coach


class Rows:
    """Rows of one table, inserted with one executemany and ids numbered here.

    The ORM's bulk_create spends about 0.25 ms a row preparing values, minutes for a 1,000
    athlete roster; this prepares each value once from the model's own fields and defaults."""

    def __init__(self, model) -> None:
        self.model = model
        self.fields = model._meta.concrete_fields
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")
            self.next_id = (cursor.fetchone()[0] or 0) + 1
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.adapters = [self.adapter(f) for f in self.fields]
        self.rows: list[tuple] = []

    def add(self, **values) -> int:
        pk = self.next_id
        self.next_id += 1
        values = {**self.defaults, **values, "id": pk}
        self.rows.append(
            tuple(
                value if value is None or adapt is None else adapt(value)
                for adapt, value in zip(
                    self.adapters, (values[f.attname] for f in self.fields), strict=True
                )
            )
        )
        return pk

    @staticmethod
    def adapter(field):
        """The one conversion a value of the field needs for the driver, if any."""
        ops = connection.ops
        match field.get_internal_type():
            case "DateTimeField":
                return ops.adapt_datetimefield_value
            case "DateField":
                return ops.adapt_datefield_value
            case "DecimalField":
                return lambda value: ops.adapt_decimalfield_value(
                    value, field.max_digits, field.decimal_places
                )
        return None

    def insert(self) -> None:
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        # One transaction: SQLite would otherwise commit (and write its log) row by row.
        with transaction.atomic(), connection.cursor() as cursor:
            for at in range(0, len(self.rows), BATCH * 10):
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                    self.rows[at : at + BATCH * 10],
                )
            # PostgreSQL's id sequence must continue after the ids given here.
            for sql in connection.ops.sequence_reset_sql(no_style(), [self.model]):
                cursor.execute(sql)
        self.rows = []


def add_history(coach: Coach, monday: date = FIRST_MONDAY) -> None:
    """A done deadlift the week before `monday` for every athlete: an e1RM to prescribe from."""
    before = monday - timedelta(weeks=1)
    start = datetime.combine(before + timedelta(days=2), clock_time(17), tzinfo=UTC)
    plans, sessions, sets = (Rows(model) for model in (WeeklyPlan, LiftSession, LiftSet))
    for athlete_id in Athlete.objects.filter(coach=coach).values_list("pk", flat=True):
        plan = plans.add(athlete_id=athlete_id, week_start=before)
        session = sessions.add(
            athlete_id=athlete_id, plan_id=plan, start=start, status=SessionStatus.DONE
        )
        load = Decimal(100 + (athlete_id % 40) * 2.5)
        for order in (1, 2, 3):
            sets.add(session_id=session, order=order, reps=3, load_kg=load, rir=1)
    for rows in (plans, sessions, sets):
        rows.insert()


# ---------------------------------------------------------------------------- timing


class QueryCount:
    count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def count_queries() -> Iterator[QueryCount]:
    """Queries run inside, counted even across the reconnection a request's end may cause
    (which empties the connection's own query log)."""
    counter = QueryCount()
    with connection.execute_wrapper(counter):
        yield counter


def seconds(action: Callable[[], object]) -> float:
    """Wall seconds of one run, started on a collected heap: the cyclic garbage collector's work
    inside the run is then the run's own. Without it, a full collection of what an earlier run
    (or the roster's generation) left landed in whichever run crossed the threshold: the same
    dashboard measured 0.76x to 2.46x of its baseline within one session."""
    gc.collect()
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def interleaved(measured: Callable[[], object], baseline: Callable[[], object], repeat: int):
    """Median seconds of each, run turn about so a busy machine favours neither."""
    a, b = [], []
    for _ in range(repeat):
        a.append(seconds(measured))
        b.append(seconds(baseline))
    return statistics.median(a), statistics.median(b)


def goal(ratio: float, limit: float, *, at_most: bool = True) -> str:
    holds = ratio <= limit if at_most else ratio >= limit
    sign = "<=" if at_most else ">="
    return f"{ratio:.2f}x (goal {sign} {limit:g}x: {'holds' if holds else 'MISSED'})"


def machine() -> str:
    return (
        f"{platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, Django {django.__version__}"
    )


def vendor_name() -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def command() -> str:
    return " ".join([".venv/bin/python", *sys.argv])
