"""The queue for real: a batch applied over the API is run by `manage.py db_worker` (the worker
django-tasks-db ships, in this process and in a process of its own on the same database), and
the rollout's tasks publish the weeks when their instants come. Committed transactions
(transaction=True): a worker sees only what is committed. SQLite and PostgreSQL alike."""

import os
import signal
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from plan_templates import services
from plan_templates.models import ApplyBatch, BatchStatus, TemplateApplication
from plans.domain.weeks import Week
from plans.models import PlanStatus, WeeklyPlan
from tests.api.conftest import client_for
from tests.factories import AthleteFactory, CoachFactory
from tests.plan_templates.documents import FOUR_WEEKS
from workouts.models import LiftSession, RunSession

pytestmark = pytest.mark.django_db(transaction=True)

ZONES = ("Europe/Berlin", "America/New_York", "Pacific/Auckland")
# Wednesday 2 December 2026, noon UTC (2026-W49); the block starts in 2026-W50.
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
START = "2026-W50"


@pytest.fixture
def restore_signals():
    # The worker installs its own SIGINT/SIGTERM handlers (a graceful shutdown): put pytest's
    # back afterwards.
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def run_worker() -> None:
    """`manage.py db_worker --batch`: everything due now, then exit."""
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0",
        verbosity=0,
    )  # fmt: skip


def test_a_worker_applies_the_batch_and_rolls_the_weeks_out_on_schedule(restore_signals):
    coach = CoachFactory()
    athletes = [AthleteFactory(coach=coach, time_zone=zone) for zone in ZONES]
    template = services.replace_template(None, coach=coach, data=FOUR_WEEKS)
    api = client_for(coach.user)
    with time_machine.travel(NOW, tick=False):
        response = api.post(
            f"/api/v1/templates/{template.pk}/apply/",
            {
                "targets": [{"athlete": a.pk, "start_week": START} for a in athletes],
                "publish_days_before": 2,
            },
            format="json",
        )
        assert response.status_code == 202
        batch_url = response["Location"]
        assert api.get(batch_url).json()["status"] == "queued"
        run_worker()
        batch = api.get(batch_url).json()
    assert batch["status"] == "done", batch["error"]
    assert batch["athletes_done"] == 3
    assert [r["status"] for r in batch["result"]] == ["applied"] * 3
    assert DBTaskResult.objects.get(id=ApplyBatch.objects.get().task_id).status == "SUCCESSFUL"
    for athlete in athletes:
        # 4 runs a week for 4 weeks; a deadlift in weeks 1-3 (week 4 has none).
        assert RunSession.objects.filter(athlete=athlete).count() == 16
        assert LiftSession.objects.filter(athlete=athlete).count() == 3
    # Drafts until their instants: 00:00 local on the Saturday before each week.
    assert set(WeeklyPlan.objects.values_list("status", flat=True)) == {PlanStatus.DRAFT}
    queued = DBTaskResult.objects.filter(
        task_path="plan_templates.tasks.publish_due_task", status="READY"
    )
    assert queued.count() == 12  # 4 weeks x 3 zones

    def published() -> set[tuple[str, date]]:
        return {
            (plan.athlete.time_zone, plan.week_start)
            for plan in WeeklyPlan.objects.filter(status=PlanStatus.PUBLISHED).select_related(
                "athlete"
            )
        }

    w50, w51 = date(2026, 12, 7), date(2026, 12, 14)
    # Just before Auckland's instant for 2026-W50 (Saturday 00:00 NZDT = Friday 11:00 UTC):
    # nothing is due, nothing runs.
    with time_machine.travel(datetime(2026, 12, 4, 10, 59, tzinfo=UTC), tick=False):
        run_worker()
    assert published() == set()
    with time_machine.travel(datetime(2026, 12, 4, 11, 0, tzinfo=UTC), tick=False):
        run_worker()
    assert published() == {("Pacific/Auckland", w50)}
    # Saturday 5 December, 05:00 UTC: New York's midnight, Berlin's came at 23:00 UTC.
    with time_machine.travel(datetime(2026, 12, 5, 5, 0, tzinfo=UTC), tick=False):
        run_worker()
    assert published() == {(zone, w50) for zone in ZONES}
    with time_machine.travel(datetime(2026, 12, 12, 5, 0, tzinfo=UTC), tick=False):
        run_worker()
    assert published() == {(zone, monday) for zone in ZONES for monday in (w50, w51)}
    assert queued.count() == 6  # weeks 3 and 4 still to come


def test_a_failed_batch_is_recorded_by_the_worker_and_applies_nothing(restore_signals):
    coach = CoachFactory()
    athletes = [AthleteFactory(coach=coach, time_zone=zone) for zone in ZONES]
    template = services.replace_template(None, coach=coach, data=FOUR_WEEKS)
    with time_machine.travel(NOW, tick=False):
        response = client_for(coach.user).post(
            f"/api/v1/templates/{template.pk}/apply/",
            {"targets": [{"athlete": a.pk, "start_week": START} for a in athletes]},
            format="json",
        )
        batch = ApplyBatch.objects.get(pk=response.json()["id"])
        # Targets this release cannot read (a week that does not exist): the task stops
        # before applying anyone.
        ApplyBatch.objects.filter(pk=batch.pk).update(
            targets=[{"athlete": athletes[0].pk, "start_week": "2026-W99"}]
        )
        run_worker()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert batch.error.startswith("InvalidWeek:")
    task = DBTaskResult.objects.get(id=batch.task_id)
    assert task.status == "FAILED" and "InvalidWeek" in task.exception_class_path
    assert not TemplateApplication.objects.exists() and not RunSession.objects.exists()


def _worker_environment() -> dict[str, str]:
    """The test database, for a process of its own."""
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    if db["ENGINE"] == "django.db.backends.sqlite3":
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(db["NAME"])
    else:
        user, host, port = db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
    return env


def test_a_worker_in_a_process_of_its_own_runs_the_queued_batch():
    # The other process has the real clock: the block starts well after both clocks' now.
    start = Week.containing(timezone.now().date()).monday + timedelta(weeks=3)
    coach = CoachFactory()
    athletes = [AthleteFactory(coach=coach, time_zone=zone) for zone in ZONES]
    template = services.replace_template(None, coach=coach, data=FOUR_WEEKS)
    response = client_for(coach.user).post(
        f"/api/v1/templates/{template.pk}/apply/",
        {"targets": [{"athlete": a.pk, "start_week": Week(start).name} for a in athletes]},
        format="json",
    )
    assert response.status_code == 202
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=Path(settings.BASE_DIR),
        env=_worker_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert worker.returncode == 0, worker.stderr
    batch = ApplyBatch.objects.get()
    assert batch.status == BatchStatus.DONE, (batch.error, worker.stdout, worker.stderr)
    assert [r["status"] for r in batch.result or []] == ["applied"] * 3
    assert RunSession.objects.count() == 3 * 16 and LiftSession.objects.count() == 3 * 3
    assert DBTaskResult.objects.get(id=batch.task_id).status == "SUCCESSFUL"


def test_the_publish_due_command_is_the_safety_net(capsys):
    coach = CoachFactory()
    athlete = AthleteFactory(coach=coach, time_zone="Europe/Berlin")
    template = services.replace_template(None, coach=coach, data=FOUR_WEEKS)
    services.apply(
        template,
        [services.Target(athlete=athlete, start_week=date(2026, 12, 7))],
        publish_days_before=2,
        now=NOW,
    )
    # Saturday 5 December 00:00 in Berlin is Friday 23:00 UTC: a minute before, nothing.
    with time_machine.travel(datetime(2026, 12, 4, 22, 59, tzinfo=UTC), tick=False):
        call_command("publish_due")
    with time_machine.travel(datetime(2026, 12, 4, 23, 0, tzinfo=UTC), tick=False):
        call_command("publish_due")
        call_command("publish_due")  # again: nothing more
    assert capsys.readouterr().out.splitlines() == [
        "0 weekly plans published.",
        "1 weekly plan published.",
        "0 weekly plans published.",
    ]
    assert list(
        WeeklyPlan.objects.filter(status=PlanStatus.PUBLISHED).values_list("week_start", flat=True)
    ) == [date(2026, 12, 7)]
