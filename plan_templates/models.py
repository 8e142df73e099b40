"""Plan templates: a coach's named block of weeks, applied to many athletes.

A template holds 1-26 weeks; each week its runs by weekday and local start time, and whether it
has a deadlift (sets x reps). Applying it to an athlete from a start week creates that athlete's
runs at the template's local times in their own zone and lets the scheduler place each week's
deadlift; an application remembers what it created (AppliedRun, AppliedLift) so that undo removes
exactly that. An ApplyBatch is one "apply" action on many athletes: the record of its background
task, which the pages and the API poll.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from workouts.models import LiftSession, RunKind, RunSession

MAX_TEMPLATE_WEEKS = 26
DEADLIFT_SETS_RANGE = (3, 4)
DEADLIFT_REPS_RANGE = (3, 4)
MAX_RUN_MINUTES = 24 * 60
MAX_PUBLISH_DAYS_BEFORE = 28


def _between(field: str, low: object, high: object) -> Q:
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


class PlanTemplate(models.Model):
    coach = models.ForeignKey(
        "athletes.Coach", on_delete=models.CASCADE, related_name="plan_templates"
    )
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    # How many weeks the block has; TemplateWeek rows 1..weeks (a week without a row is empty).
    weeks = models.PositiveSmallIntegerField(default=4)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["coach", "name"], name="template_name_unique"),
            models.CheckConstraint(
                condition=_between("weeks", 1, MAX_TEMPLATE_WEEKS), name="template_weeks_range"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="template_name_set"),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateWeek(models.Model):
    template = models.ForeignKey(
        PlanTemplate, on_delete=models.CASCADE, related_name="template_weeks"
    )
    number = models.PositiveSmallIntegerField()  # 1 = the block's first week
    has_deadlift = models.BooleanField(default=True)
    deadlift_sets = models.PositiveSmallIntegerField(default=3)
    deadlift_reps = models.PositiveSmallIntegerField(default=3)

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_week_unique"),
            models.CheckConstraint(
                condition=_between("number", 1, MAX_TEMPLATE_WEEKS), name="template_week_number"
            ),
            models.CheckConstraint(
                condition=_between("deadlift_sets", *DEADLIFT_SETS_RANGE),
                name="template_week_sets_range",
            ),
            models.CheckConstraint(
                condition=_between("deadlift_reps", *DEADLIFT_REPS_RANGE),
                name="template_week_reps_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} week {self.number}"


class TemplateRun(models.Model):
    week = models.ForeignKey(TemplateWeek, on_delete=models.CASCADE, related_name="runs")
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday .. 6 = Sunday
    start_time = models.TimeField()  # local: in each athlete's own time zone
    kind = models.CharField(max_length=16, choices=RunKind)
    duration_minutes = models.PositiveIntegerField(default=60)
    distance_km = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["week", "weekday", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_between("weekday", 0, 6), name="template_run_weekday"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RunKind.values), name="template_run_kind_valid"
            ),
            models.CheckConstraint(
                condition=_between("duration_minutes", 1, MAX_RUN_MINUTES),
                name="template_run_duration",
            ),
            models.CheckConstraint(
                condition=Q(distance_km__isnull=True) | Q(distance_km__gte=Decimal(0)),
                name="template_run_distance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} day {self.weekday} {self.start_time:%H:%M} {self.kind}"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ApplyBatch(models.Model):
    """One "apply this template" action on one or many athletes, run as a background task:
    what was asked, how far it got, and what came of it (or why it failed)."""

    coach = models.ForeignKey("athletes.Coach", on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="batches")
    # [{"athlete": id, "start_week": "2026-W49"}, ...] and the rollout's days (or null)
    targets = models.JSONField()
    publish_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=BatchStatus, default=BatchStatus.QUEUED)
    athletes_total = models.PositiveIntegerField(default=0)
    athletes_done = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)  # the Tasks framework's result id
    result = models.JSONField(null=True, blank=True)  # per athlete: created, reported, scheduled
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BatchStatus.values), name="batch_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(athletes_done__lte=models.F("athletes_total")),
                name="batch_progress_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} batch {self.pk} {self.status}"


class TemplateApplication(models.Model):
    """A template applied to one athlete from one start week (a local Monday). Unique: applying
    the same template to the same athlete from the same week again changes nothing."""

    template = models.ForeignKey(
        PlanTemplate, on_delete=models.CASCADE, related_name="applications"
    )
    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.CASCADE, related_name="template_applications"
    )
    start_week = models.DateField()  # the athlete's local Monday of the block's week 1
    # Rollout: each week's plan publishes itself this many days before the week starts; null:
    # the weeks stay drafts until the coach publishes them.
    publish_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    batch = models.ForeignKey(
        ApplyBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "athlete", "start_week"], name="application_once"
            ),
            models.CheckConstraint(
                condition=Q(start_week__iso_week_day=1), name="application_starts_monday"
            ),
            models.CheckConstraint(
                condition=Q(publish_days_before__isnull=True)
                | Q(publish_days_before__lte=MAX_PUBLISH_DAYS_BEFORE),
                name="application_publish_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} for {self.athlete_id} from {self.start_week}"


class AppliedRun(models.Model):
    """A run an application created: undo deletes it (while it is not done)."""

    application = models.ForeignKey(
        TemplateApplication, on_delete=models.CASCADE, related_name="applied_runs"
    )
    run = models.OneToOneField(RunSession, on_delete=models.CASCADE, related_name="applied")

    def __str__(self) -> str:
        return f"run {self.run_id} of application {self.application_id}"


class AppliedLift(models.Model):
    """A deadlift an application's scheduling created (not one it found and moved): undo deletes
    it while nothing of it is logged."""

    application = models.ForeignKey(
        TemplateApplication, on_delete=models.CASCADE, related_name="applied_lifts"
    )
    lift = models.OneToOneField(LiftSession, on_delete=models.CASCADE, related_name="applied")

    def __str__(self) -> str:
        return f"lift {self.lift_id} of application {self.application_id}"
