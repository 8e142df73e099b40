"""The email notifications on the task worker (Django's Tasks with django-tasks-db; README,
"Notifications"): `sweep_task` runs services.sweep every SWEEP_EVERY and queues its next run
before it returns, so one chain of it keeps going for as long as a worker runs.
`manage.py send_notifications` starts the chain (and sweeps at once); run it at deploy and,
as a safety net, from cron: when a chain is queued already it adds none."""

from datetime import datetime, timedelta

from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications import services

SWEEP_EVERY = timedelta(minutes=1)
SWEEP_PATH = "notifications.tasks.sweep_task"


def schedule_next(*, now: datetime | None = None) -> bool:
    """Queue the next sweep SWEEP_EVERY from now unless one is queued; True when it queued."""
    if DBTaskResult.objects.filter(task_path=SWEEP_PATH, status="READY").exists():
        return False
    now = now or timezone.now()
    sweep_task.using(run_after=now + SWEEP_EVERY).enqueue()
    return True


@task()
def sweep_task() -> dict[str, int]:
    """Send what is due (services.sweep), then queue the next sweep."""
    try:
        result = services.sweep()
    finally:
        schedule_next()
    return {"published": result.published, "changed": result.changed, "daily": result.daily}
