"""Demo data: one coach, twelve athletes across time zones, eight weeks of history up to the
current week (plus next week's runs as a draft), with logged deadlift sets that progress and a
current week where each rule in DOMAIN.md is broken by someone. Kate lifts in pounds (a 45 lb
bar, 5 lb steps), so the demo shows both units.

Built relative to now: whatever the day, what has ended is done, except what the demo has
missed on purpose (Kate's latest run that has ended, and Jonas's deadlift once it is over), and
the rest of the week is still to come."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth import models as auth_models
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from athletes.models import Athlete, Coach
from plans.domain.units import Unit, bar_kg, default_increment_kg, format_load, to_kg
from plans.domain.weeks import Week
from plans.models import PlanStatus, WeeklyPlan
from workouts.models import Exercise, LiftSession, LiftSet, RunKind, RunSession, SessionStatus

COACH_USERNAME = "coach"
COACH_PASSWORD = "ironstride-demo"
# The person running the demo gets the Django admin too (/admin/).
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "ironstride-admin"
ATHLETE_PASSWORD = "athlete-demo"
HISTORY_WEEKS = 8
WARMUPS = ((5, Decimal("0.4")), (3, Decimal("0.6")), (2, Decimal("0.8")))


@dataclass(frozen=True)
class DemoAthlete:
    username: str
    first_name: str
    last_name: str
    time_zone: str
    window: tuple[time, time] = (time(6), time(21))
    interval_days: tuple[int, ...] = (1,)  # weekday numbers, Monday = 0
    interval_at: time = time(7)
    deadlift_at: time = time(17)
    start_load_kg: Decimal = Decimal("100")
    units: Unit = Unit.KG
    # This week's sessions that have ended are missed instead of done: "runs" (the latest
    # only) or "deadlift".
    misses: str = ""
    # The rule this athlete's current week breaks, so the dashboard shows every flag.
    breaks: str = ""
    extra: dict[str, object] = field(default_factory=dict)


ROSTER = [
    DemoAthlete("anna", "Anna", "Berg", "Europe/Berlin", breaks="deadlift.missing"),
    DemoAthlete(
        "ben", "Ben", "Okafor", "Europe/London", interval_days=(1, 3), breaks="deadlift.too_many"
    ),
    DemoAthlete(
        "chloe",
        "Chloé",
        "Martin",
        "Europe/Berlin",
        interval_at=time(18),
        deadlift_at=time(7),
        breaks="deadlift.too_close_to_intervals",
    ),
    DemoAthlete("dev", "Dev", "Patel", "America/New_York", breaks="deadlift.not_on_hard_day"),
    DemoAthlete(
        "emma",
        "Emma",
        "Walker",
        "America/Los_Angeles",
        window=(time(16), time(20, 30)),
        interval_at=time(6, 30),
        deadlift_at=time(18),
        breaks="deadlift.sets_out_of_range",
    ),
    DemoAthlete(
        "finn",
        "Finn",
        "Taylor",
        "Pacific/Auckland",
        interval_days=(2,),
        start_load_kg=Decimal("120"),
        breaks="deadlift.reps_out_of_range",
    ),
    DemoAthlete(
        "greta",
        "Greta",
        "Nilsson",
        "Europe/Berlin",
        interval_days=(1, 4),
        breaks="deadlift.high_reps",
    ),
    DemoAthlete(
        "hiro",
        "Hiro",
        "Tanaka",
        "Asia/Tokyo",
        start_load_kg=Decimal("140"),
        breaks="deadlift.to_failure",
    ),
    DemoAthlete("isla", "Isla", "Brown", "Pacific/Auckland", breaks="deadlift.too_easy"),
    DemoAthlete(
        "jonas",
        "Jonas",
        "Weber",
        "Europe/Berlin",
        window=(time(5, 30), time(8, 30)),
        interval_days=(1,),
        interval_at=time(18, 30),
        deadlift_at=time(6),
        start_load_kg=Decimal("110"),
        misses="deadlift",
    ),
    DemoAthlete(
        "kate",
        "Kate",
        "Nguyen",
        "America/Los_Angeles",
        interval_days=(2, 4),
        start_load_kg=to_kg(200, Unit.LB),
        units=Unit.LB,
        misses="runs",
    ),
    DemoAthlete("liam", "Liam", "Murphy", "Europe/London", start_load_kg=Decimal("130")),
]


def floor_to(value: Decimal, step: Decimal) -> Decimal:
    return (value // step) * step


class Command(BaseCommand):
    help = "Load the demo roster (running it again changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        with transaction.atomic():
            if User.objects.filter(username=COACH_USERNAME).exists():
                self.stdout.write("Demo data already present; nothing changed.")
            else:
                self._seed(User, now=timezone.now())
                self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"Admin login:    {ADMIN_USERNAME} / {ADMIN_PASSWORD} (http://127.0.0.1:8000/admin/)\n"
            f"Coach login:    {COACH_USERNAME} / {COACH_PASSWORD}\n"
            f"Athlete logins: {', '.join(a.username for a in ROSTER)} / {ATHLETE_PASSWORD}"
        )

    def _seed(self, User: type[auth_models.User], *, now: datetime) -> None:
        rng = random.Random(49)
        if not User.objects.filter(username=ADMIN_USERNAME).exists():
            User.objects.create_superuser(ADMIN_USERNAME, password=ADMIN_PASSWORD)
        coach_user = User.objects.create_user(
            COACH_USERNAME, password=COACH_PASSWORD, first_name="Casey", last_name="Coach"
        )
        coach = Coach.objects.create(user=coach_user, time_zone="Europe/Berlin")
        # Hashing a password is deliberately slow; the demo athletes share one hash.
        probe = User()
        probe.set_password(ATHLETE_PASSWORD)
        for spec in ROSTER:
            user = User.objects.create(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                password=probe.password,
            )
            athlete = Athlete.objects.create(
                user=user,
                coach=coach,
                time_zone=spec.time_zone,
                training_window_start=spec.window[0],
                training_window_end=spec.window[1],
                units=spec.units,
                load_increment_kg=default_increment_kg(spec.units),
            )
            self._seed_athlete(athlete, spec, now=now, rng=rng)

    def _seed_athlete(
        self, athlete: Athlete, spec: DemoAthlete, *, now: datetime, rng: random.Random
    ) -> None:
        tz = ZoneInfo(spec.time_zone)
        this_monday = Week.of(now, tz).monday
        first_monday = this_monday - timedelta(weeks=HISTORY_WEEKS - 1)
        for index in range(HISTORY_WEEKS + 1):
            monday = first_monday + timedelta(weeks=index)
            is_next_week = monday > this_monday
            plan = WeeklyPlan.objects.create(
                athlete=athlete,
                week_start=monday,
                status=PlanStatus.DRAFT if is_next_week else PlanStatus.PUBLISHED,
                published_at=None if is_next_week else now,
                coach_note="" if is_next_week else f"Week {Week(monday).name}: keep it smooth.",
            )
            runs = self._runs(athlete, plan, spec, monday, tz, now=now, rng=rng)
            if monday == this_monday and spec.misses == "runs":
                self._miss_latest(runs, now)
            RunSession.objects.bulk_create(runs)
            if is_next_week:
                continue  # next week is for the scheduler to fill
            breaks = spec.breaks if monday == this_monday else self._history_break(index, spec)
            missed = monday == this_monday and spec.misses == "deadlift"
            self._deadlift(athlete, plan, spec, monday, tz, index, breaks, now=now, missed=missed)

    @staticmethod
    def _miss_latest(runs: list[RunSession], now: datetime) -> None:
        """The latest run that has ended stays planned: missed (nobody said it happened)."""
        ended = [run for run in runs if run.status == SessionStatus.DONE]
        if ended:
            run = max(ended, key=lambda run: run.start)
            run.status, run.actual_start, run.actual_duration_minutes = (
                SessionStatus.PLANNED,
                None,
                None,
            )

    @staticmethod
    def _history_break(index: int, spec: DemoAthlete) -> str:
        # A little imperfect history: two athletes had a rough week early on.
        if index == 2 and spec.username == "ben":
            return "deadlift.to_failure"
        if index == 4 and spec.username == "kate":
            return "deadlift.not_on_hard_day"
        return ""

    def _runs(
        self,
        athlete: Athlete,
        plan: WeeklyPlan,
        spec: DemoAthlete,
        monday: date,
        tz: ZoneInfo,
        *,
        now: datetime,
        rng: random.Random,
    ) -> list[RunSession]:
        def at(weekday: int, clock: time) -> datetime:
            return datetime.combine(monday + timedelta(days=weekday), clock, tzinfo=tz)

        planned: list[tuple[str, datetime, int, Decimal]] = []
        for weekday in spec.interval_days:
            planned.append((RunKind.INTERVAL, at(weekday, spec.interval_at), 60, Decimal("10")))
        easy_days = [d for d in (0, 2, 4) if d not in spec.interval_days]
        for weekday in easy_days:
            planned.append((RunKind.EASY, at(weekday, time(7, 15)), 45, Decimal("8")))
        planned.append((RunKind.LONG, at(6, time(9)), 100, Decimal("18")))
        if spec.username in {"liam", "isla"}:
            planned.append((RunKind.RECOVERY, at(5, time(8)), 30, Decimal("5")))
        runs = []
        for kind, start, minutes, distance in planned:
            done = start + timedelta(minutes=minutes) <= now
            runs.append(
                RunSession(
                    athlete=athlete,
                    plan=plan,
                    kind=kind,
                    start=start,
                    duration_minutes=minutes,
                    distance_km=distance,
                    status=SessionStatus.DONE if done else SessionStatus.PLANNED,
                    actual_start=start + timedelta(minutes=rng.choice((0, 5, 10)))
                    if done
                    else None,
                    actual_duration_minutes=minutes + rng.choice((-3, 0, 4)) if done else None,
                )
            )
        return runs

    def _deadlift(
        self,
        athlete: Athlete,
        plan: WeeklyPlan,
        spec: DemoAthlete,
        monday: date,
        tz: ZoneInfo,
        index: int,
        breaks: str,
        *,
        now: datetime,
        missed: bool,
    ) -> None:
        if breaks == "deadlift.missing":
            return
        hard_day = spec.interval_days[0]
        deadlift_day = hard_day
        deadlift_at = spec.deadlift_at
        if breaks == "deadlift.not_on_hard_day":
            deadlift_day = 5  # Saturday holds no interval run
        if breaks == "deadlift.too_close_to_intervals":
            deadlift_at = (datetime.combine(monday, spec.interval_at) + timedelta(hours=3)).time()
        start = datetime.combine(monday + timedelta(days=deadlift_day), deadlift_at, tzinfo=tz)
        # One step of the athlete's plates a week: 2.5 kg, or 5 lb.
        step = default_increment_kg(spec.units)
        load = spec.start_load_kg + step * index
        working_sets, reps, rir = 3, 3, 1
        if breaks == "deadlift.sets_out_of_range":
            working_sets = 5
        elif breaks == "deadlift.reps_out_of_range":
            reps = 5
        elif breaks == "deadlift.high_reps":
            reps, load = 12, floor_to(load * Decimal("0.6"), step)
        elif breaks == "deadlift.to_failure":
            rir = 0
        elif breaks == "deadlift.too_easy":
            rir = 3
        sessions = [start]
        if breaks == "deadlift.too_many":
            sessions.append(start + timedelta(days=3))
        for session_start in sessions:
            self._lift_session(
                athlete,
                plan,
                session_start,
                load,
                working_sets,
                reps,
                rir,
                units=spec.units,
                now=now,
                missed=missed,
            )

    def _lift_session(
        self,
        athlete: Athlete,
        plan: WeeklyPlan,
        start: datetime,
        load: Decimal,
        working_sets: int,
        reps: int,
        rir: int,
        *,
        units: Unit,
        now: datetime,
        missed: bool,
    ) -> None:
        done = start + timedelta(minutes=60) <= now and not missed
        session = LiftSession.objects.create(
            athlete=athlete,
            plan=plan,
            exercise=Exercise.DEADLIFT,
            start=start,
            duration_minutes=60,
            status=SessionStatus.DONE if done else SessionStatus.PLANNED,
            actual_start=start if done else None,
            actual_duration_minutes=55 if done else None,
        )
        rows = []
        for order, (warmup_reps, share) in enumerate(WARMUPS, start=1):
            warmup_load = max(bar_kg(units), floor_to(load * share, default_increment_kg(units)))
            rows.append(
                LiftSet(
                    session=session,
                    order=order,
                    is_warmup=True,
                    target_reps=warmup_reps,
                    target_load_kg=warmup_load,
                    target_load_reason=f"warm-up: {share:.0%} of {format_load(load, units)}",
                    **self._done(warmup_reps, warmup_load, None, done, start),
                )
            )
        for number in range(working_sets):
            rows.append(
                LiftSet(
                    session=session,
                    order=len(WARMUPS) + number + 1,
                    target_reps=reps,
                    target_load_kg=load,
                    target_rir=rir,
                    target_load_reason="coach's choice",
                    **self._done(reps, load, rir, done, start),
                )
            )
        LiftSet.objects.bulk_create(rows)

    @staticmethod
    def _done(
        reps: int, load: Decimal, rir: int | None, done: bool, start: datetime
    ) -> dict[str, object]:
        if not done:
            return {}
        return {"reps": reps, "load_kg": load, "rir": rir, "logged_at": start}
