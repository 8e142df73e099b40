"""The queue for real: `manage.py send_notifications` queues the sweep and `manage.py
db_worker` runs it, sending a published week's email, and queues the next sweep a minute on.
Committed transactions: a worker sees only what is committed."""

import signal
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from athletes.models import Coach
from notifications.tasks import SWEEP_EVERY, SWEEP_PATH
from tests.factories import CoachFactory
from tests.notifications.conftest import NOW, athlete_with_week, publish

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def restore_signals() -> Iterator[None]:
    # The worker installs its own SIGINT/SIGTERM handlers: put pytest's back afterwards.
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0",
        verbosity=0,
    )  # fmt: skip


def test_the_worker_sends_the_published_weeks_email(restore_signals: None) -> None:
    coach: Coach = CoachFactory()
    with time_machine.travel(NOW, tick=False):
        out = StringIO()
        call_command("send_notifications", stdout=out)
        assert "the sweep is queued" in out.getvalue()
        # Run from cron again: no second chain.
        call_command("send_notifications", stdout=StringIO())
        assert DBTaskResult.objects.filter(task_path=SWEEP_PATH, status="READY").count() == 1
        athlete = athlete_with_week(coach)
        publish([athlete])
        run_worker()  # the sweep is not due for a minute
        assert mail.outbox == []
    with time_machine.travel(NOW + SWEEP_EVERY, tick=False):
        run_worker()
    (message,) = mail.outbox
    assert message.to == [athlete.user.email]
    assert message.subject == "Your training week 2026-W50 is ready"
    assert "3 × 3 at 150 kg, RIR 1" in message.body
    done = DBTaskResult.objects.get(task_path=SWEEP_PATH, status="SUCCESSFUL")
    assert done.return_value == {"published": 1, "changed": 0, "daily": 0}
    (following,) = DBTaskResult.objects.filter(task_path=SWEEP_PATH, status="READY")
    assert following.run_after == NOW + SWEEP_EVERY + SWEEP_EVERY
    with time_machine.travel(NOW + 3 * SWEEP_EVERY + timedelta(seconds=1), tick=False):
        run_worker()
    assert len(mail.outbox) == 1
