"""The background work of plan templates, on Django's Tasks framework (`django.tasks`) with the
django-tasks-db backend: the database is the queue, and `manage.py db_worker` runs what is in
it (README, "Background work").

- `start_batch` records one "apply this template" action (an ApplyBatch) and queues
  `apply_batch` for it; the pages and the API answer at once and poll the batch.
- `apply_batch` runs plan_templates.services.apply, writing its progress and its result (or
  why it failed) to the batch. Each athlete is applied in one transaction of its own (all or
  nothing), so a failure leaves no half-applied weeks: the athletes before it are applied
  whole, the rest not at all, and the batch says which and why.
- The rollout: an application with `publish_days_before` queues `publish_due_task` to run at
  each of its weeks' publish instants (`run_after`); it calls services.publish_due, which
  publishes every week that is due and is idempotent, so duplicates and early or late runs
  are harmless. `manage.py publish_due` does the same from cron, as a safety net.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.tasks import task
from django.utils import timezone

from athletes.models import Athlete, Coach
from athletes.transactions import atomic_with_retry
from plan_templates import services
from plan_templates.models import ApplyBatch, BatchStatus, PlanTemplate, TemplateApplication
from plans.domain.weeks import Week

log = logging.getLogger("ironstride.tasks")


def targets_json(targets: Sequence[services.Target]) -> list[dict[str, Any]]:
    return [{"athlete": t.athlete.pk, "start_week": Week(t.start_week).name} for t in targets]


@atomic_with_retry
def start_batch(
    *,
    coach: Coach,
    template: PlanTemplate,
    targets: Sequence[services.Target],
    publish_days_before: int | None = None,
) -> ApplyBatch:
    """Record the batch and queue its task, in one transaction: the database is the queue, so
    the batch and its task are committed together (a batch never waits for a task that was
    never queued) and a worker cannot pick the task up before the batch exists."""
    batch = ApplyBatch.objects.create(
        coach=coach,
        template=template,
        targets=targets_json(targets),
        publish_days_before=publish_days_before,
        athletes_total=len(targets),
    )
    result = apply_batch.enqueue(batch.pk)
    batch.task_id = str(result.id)
    batch.save(update_fields=["task_id"])
    return batch


def _progress_writer(batch: ApplyBatch) -> Callable[[int, int], None]:
    # services.apply reports after each group of athletes (a few per batch): each is written.
    def progress(done: int, total: int) -> None:
        ApplyBatch.objects.filter(pk=batch.pk).update(athletes_done=min(done, total))

    return progress


def _resolve_targets(batch: ApplyBatch) -> tuple[list[services.Target], list[dict[str, Any]]]:
    """The batch's targets, and a result row for each athlete deleted since it was queued.
    (services.apply itself reports an athlete who is no longer the template's coach's.)"""
    wanted = [(int(t["athlete"]), Week.parse(t["start_week"]).monday) for t in batch.targets]
    athletes = Athlete.objects.select_related("user").in_bulk([pk for pk, _ in wanted])
    targets, gone = [], []
    for pk, monday in wanted:
        if pk in athletes:
            targets.append(services.Target(athlete=athletes[pk], start_week=monday))
        else:
            gone.append(
                {
                    "athlete": pk,
                    "start_week": Week(monday).name,
                    "status": services.FAILED,
                    "message": "This athlete no longer exists.",
                }
            )
    return targets, gone


@task()
def apply_batch(batch_id: int) -> dict[str, Any]:
    """Apply the batch's template to its athletes. Run again (a worker died mid-way, a task
    delivered twice), it applies what is missing: applying twice changes nothing."""
    batch = ApplyBatch.objects.select_related("template", "coach").filter(pk=batch_id).first()
    if batch is None:
        # The template was deleted (and its batches with it) before a worker came: nothing
        # to apply.
        return {"status": "gone"}
    if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
        return {"status": batch.status}
    ApplyBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    try:
        targets, gone = _resolve_targets(batch)
        outcomes = services.apply(
            batch.template,
            targets,
            publish_days_before=batch.publish_days_before,
            batch=batch,
            progress=_progress_writer(batch),
        )
        result = [outcome.as_json() for outcome in outcomes] + gone
        schedule_rollout(TemplateApplication.objects.filter(batch=batch))
    except Exception as error:
        # Every athlete before the failure is applied whole (one transaction each), the rest
        # not at all: the batch says so, and the worker records the traceback.
        done = TemplateApplication.objects.filter(batch=batch).count()
        ApplyBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED,
            error=(
                f"{error.__class__.__name__}: {error} ({done} of {batch.athletes_total} "
                "athletes were applied whole before it; the others not at all.)"
            ),
            finished_at=timezone.now(),
        )
        log.exception("apply batch %s failed", batch.pk)
        raise
    ApplyBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE,
        athletes_done=batch.athletes_total,
        result=result,
        finished_at=timezone.now(),
    )
    return {"status": BatchStatus.DONE.value, "athletes": len(result)}


# ---------------------------------------------------------------------------- the rollout


def rollout_instants(applications: Iterable[TemplateApplication]) -> set[datetime]:
    """The distinct publish instants of the applications' weeks."""
    instants = set()
    for application in applications:
        days = application.publish_days_before
        if days is None:
            continue
        zone = ZoneInfo(application.athlete.time_zone)
        for number in range(application.template.weeks):
            monday = application.start_week + timedelta(weeks=number)
            instants.add(services.publish_instant(monday, zone, days))
    return instants


def schedule_rollout(
    applications: "models.QuerySet[TemplateApplication]", *, now: datetime | None = None
) -> int:
    """Queue publish_due_task at each distinct publish instant still to come of the
    applications' weeks (applying published the weeks already due); returns how many."""
    now = now or timezone.now()
    instants = rollout_instants(applications.select_related("athlete", "template"))
    later = sorted(instant for instant in instants if instant > now)
    for instant in later:
        publish_due_task.using(run_after=instant).enqueue()
    return len(later)


@task()
def publish_due_task() -> int:
    """Publish every applied week whose publish instant has come (services.publish_due)."""
    return services.publish_due()
