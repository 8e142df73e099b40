from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from plans.domain.weeks import Week, week_of

if TYPE_CHECKING:
    from athletes.models import Athlete


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class WeeklyPlanQuerySet(models.QuerySet["WeeklyPlan"]):
    def for_start(self, athlete: "Athlete", start: datetime) -> "WeeklyPlan":
        """The plan of the athlete's local week that `start` falls in, created as a draft."""
        plan, _ = self.get_or_create(athlete=athlete, week_start=week_of(start, athlete.tz))
        return plan

    def for_weeks(self, athlete: "Athlete", mondays: Iterable[date]) -> dict[date, "WeeklyPlan"]:
        """for_start for many weeks at once (bulk writes do not call save): the plans of the
        athlete's weeks by Monday, read in one query, the missing ones made as drafts in one."""
        wanted = set(mondays)
        rows = WeeklyPlan.objects.filter(athlete=athlete, week_start__in=wanted)
        plans: dict[date, WeeklyPlan] = {plan.week_start: plan for plan in rows}
        missing = [
            WeeklyPlan(athlete=athlete, week_start=monday)
            for monday in sorted(wanted - plans.keys())
        ]
        for plan in WeeklyPlan.objects.bulk_create(missing):
            plans[plan.week_start] = plan
        return plans


class WeeklyPlan(models.Model):
    athlete = models.ForeignKey("athletes.Athlete", on_delete=models.CASCADE, related_name="plans")
    # The ISO week, stored as its Monday (a local date in the athlete's time zone).
    week_start = models.DateField()
    status = models.CharField(max_length=16, choices=PlanStatus, default=PlanStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    coach_note = models.TextField(blank=True)

    objects = WeeklyPlanQuerySet.as_manager()

    class Meta:
        ordering = ["athlete", "week_start"]
        constraints = [
            models.UniqueConstraint(fields=["athlete", "week_start"], name="plan_one_per_week"),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="plan_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(week_start__iso_week_day=1), name="plan_week_starts_monday"
            ),
            models.CheckConstraint(
                condition=Q(status=PlanStatus.DRAFT) | Q(published_at__isnull=False),
                name="plan_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.athlete} {self.iso_week}"

    @property
    def iso_week(self) -> str:
        return Week(self.week_start).name

    @property
    def is_published(self) -> bool:
        return self.status == PlanStatus.PUBLISHED

    def clean(self) -> None:
        if isinstance(self.week_start, date) and self.week_start.weekday() != 0:
            raise ValidationError({"week_start": "A week starts on a Monday."})


class AthleteRevision(models.Model):
    """A counter the database moves on every change to an athlete's sessions, sets, weekly plans
    or settings: triggers keep it (migrations 0003 and 0005), the app only reads it, so no
    write path, bulk or raw, can forget. A week's stored verdict, and the week API's cached
    answer, are good while their revision is the athlete's."""

    athlete = models.OneToOneField(
        "athletes.Athlete", on_delete=models.CASCADE, primary_key=True, related_name="revision"
    )
    revision = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.athlete_id} at {self.revision}"


class WeekVerdict(models.Model):
    """What the rules found in an athlete's week, stored for the dashboard: recomputed when the
    athlete's revision or the rules' version has moved since (plans.verdicts)."""

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.CASCADE, related_name="verdicts"
    )
    week_start = models.DateField()
    revision = models.BigIntegerField()
    rules_version = models.CharField(max_length=16)
    # hard days, deadlift times, tally and the violations' codes and severities
    verdict = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["athlete", "week_start"], name="verdict_one_per_week"),
        ]

    def __str__(self) -> str:
        return f"{self.athlete_id} {Week(self.week_start).name} at {self.revision}"
