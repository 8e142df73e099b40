from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

from plans.domain.compliance import Mark, judge
from plans.domain.constants import DEFAULT_DURATION_MINUTES
from plans.domain.types import missed
from plans.domain.units import STORED_PLACES
from plans.models import WeeklyPlan

MAX_DURATION_MINUTES = 24 * 60
REPS_RANGE = (1, 100)
LOAD_KG_RANGE = (Decimal("0"), Decimal("600"))
# Kilograms exactly, whatever unit the load was typed in: 325 lb is 147.41752025 kg
# (plans.domain.units); three digits before the point for 600 kg.
LOAD_KG_MAX_DIGITS = STORED_PLACES + 3
RIR_RANGE = (0, 10)


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class RunKind(models.TextChoices):
    EASY = "easy", "Easy"
    RECOVERY = "recovery", "Recovery"
    TEMPO = "tempo", "Tempo"
    INTERVAL = "interval", "Interval"
    LONG = "long", "Long"
    RACE = "race", "Race"


class Exercise(models.TextChoices):
    # Deadlift first: it is the lift every rule is about; others may be logged.
    DEADLIFT = "deadlift", "Deadlift"
    SQUAT = "squat", "Squat"
    SPLIT_SQUAT = "split_squat", "Split squat"
    HIP_THRUST = "hip_thrust", "Hip thrust"
    CALF_RAISE = "calf_raise", "Calf raise"
    OTHER = "other", "Other"


def _between(field: str, low: object, high: object) -> Q:
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


class Session(models.Model):
    """What a run and a lift share: a planned start and duration, a status, and once done the
    actual start and duration the rules then judge it by."""

    athlete = models.ForeignKey("athletes.Athlete", on_delete=models.CASCADE)
    plan = models.ForeignKey(WeeklyPlan, on_delete=models.CASCADE, editable=False)
    start = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=DEFAULT_DURATION_MINUTES)
    status = models.CharField(max_length=16, choices=SessionStatus, default=SessionStatus.PLANNED)
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["start"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every session belongs to the plan of the local week it starts in.
        self.plan = WeeklyPlan.objects.for_start(self.athlete, self.start)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "plan"}
        super().save(*args, **kwargs)

    @property
    def planned_end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    def is_missed_at(self, now: datetime) -> bool:
        """The domain's definition (plans/domain/types.missed), for a row."""
        return missed(self.status, self.planned_end, now)

    @property
    def has_logged_set(self) -> bool:
        return False

    def compliance_at(self, now: datetime) -> Mark | None:
        """The domain's compliance mark (plans/domain/compliance.judge), for a row."""
        return judge(
            status=self.status,
            planned_minutes=self.duration_minutes,
            actual_minutes=self.actual_duration_minutes,
            planned_end=self.planned_end,
            now=now,
            logged=self.has_logged_set,
            unplanned=bool(getattr(self, "unplanned", False)),  # runs only
        )

    @classmethod
    def shared_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(
                condition=_between("duration_minutes", 1, MAX_DURATION_MINUTES),
                name=f"{prefix}_duration_positive",
            ),
            models.CheckConstraint(
                condition=Q(actual_duration_minutes__isnull=True)
                | _between("actual_duration_minutes", 1, MAX_DURATION_MINUTES),
                name=f"{prefix}_actual_duration_positive",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name=f"{prefix}_status_valid"
            ),
        ]


class RunSession(Session):
    kind = models.CharField(max_length=16, choices=RunKind)
    distance_km = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    # A run nobody planned: made from a run file that matched no planned run. It happened, so
    # the rules judge it, but there was no plan to follow: it has no compliance colour.
    unplanned = models.BooleanField(default=False)

    class Meta(Session.Meta):
        constraints = [
            *Session.shared_constraints("run"),
            models.CheckConstraint(condition=Q(kind__in=RunKind.values), name="run_kind_valid"),
            models.CheckConstraint(
                condition=Q(distance_km__isnull=True) | Q(distance_km__gte=0),
                name="run_distance_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["athlete", "start"], name="run_athlete_start_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} run {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_interval(self) -> bool:
        return self.kind == RunKind.INTERVAL


class LiftSessionQuerySet(models.QuerySet):
    def with_logged_flag(self) -> "LiftSessionQuerySet":
        """Each lift knows whether a set of it is logged, in the same query (is_missed_at
        reads it instead of the sets)."""
        logged = LiftSet.objects.filter(session=OuterRef("pk"), reps__isnull=False)
        return self.annotate(any_set_logged=Exists(logged))


class LiftSession(Session):
    exercise = models.CharField(max_length=32, choices=Exercise, default=Exercise.DEADLIFT)

    objects = LiftSessionQuerySet.as_manager()

    class Meta(Session.Meta):
        constraints = [
            *Session.shared_constraints("lift"),
            models.CheckConstraint(
                condition=Q(exercise__in=Exercise.values), name="lift_exercise_valid"
            ),
        ]
        indexes = [models.Index(fields=["athlete", "start"], name="lift_athlete_start_idx")]

    def __str__(self) -> str:
        return f"{self.get_exercise_display()} {self.start:%Y-%m-%d %H:%M}"

    @property
    def has_logged_set(self) -> bool:
        # The with_logged_flag() annotation when the queryset has it, else the sets (prefetched
        # by the pages that show them).
        if "any_set_logged" in self.__dict__:
            return self.__dict__["any_set_logged"]
        return any(lift_set.is_logged for lift_set in self.sets.all())

    def is_missed_at(self, now: datetime) -> bool:
        """As the domain's LiftSession.is_missed: also nothing logged."""
        return super().is_missed_at(now) and not self.has_logged_set

    @property
    def is_deadlift(self) -> bool:
        return self.exercise == Exercise.DEADLIFT


class LiftSet(models.Model):
    """One set: its prescription (targets) and, once logged, what was done."""

    session = models.ForeignKey(LiftSession, on_delete=models.CASCADE, related_name="sets")
    order = models.PositiveSmallIntegerField()
    is_warmup = models.BooleanField(default=False)
    target_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    target_load_kg = models.DecimalField(
        max_digits=LOAD_KG_MAX_DIGITS, decimal_places=STORED_PLACES, null=True, blank=True
    )
    target_rir = models.PositiveSmallIntegerField(null=True, blank=True)
    target_load_reason = models.CharField(max_length=200, blank=True)
    # Autoregulation (plans.domain.autoregulation): while `adjustment` says why the target moved
    # after a logged set, `original_target_load_kg` keeps the target it moved from (None when
    # the set had none). Not adjusted: both None, and the target is its own original.
    original_target_load_kg = models.DecimalField(
        max_digits=LOAD_KG_MAX_DIGITS,
        decimal_places=STORED_PLACES,
        null=True,
        blank=True,
        editable=False,
    )
    adjustment = models.JSONField(null=True, blank=True, editable=False)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    load_kg = models.DecimalField(
        max_digits=LOAD_KG_MAX_DIGITS, decimal_places=STORED_PLACES, null=True, blank=True
    )
    rir = models.PositiveSmallIntegerField(null=True, blank=True)
    failed = models.BooleanField(default=False)
    # Generated on the phone when the set is logged: a retried submission carries the same id,
    # and the unique constraint turns it into "already stored" instead of a second row.
    client_id = models.UUIDField(null=True, blank=True, unique=True)
    logged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="set_order_unique"),
            models.CheckConstraint(condition=Q(order__gte=1), name="set_order_positive"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True}) | _between(field, low, high),
                    name=f"set_{field}_range",
                )
                for field, (low, high) in {
                    "target_reps": REPS_RANGE,
                    "reps": REPS_RANGE,
                    "target_load_kg": LOAD_KG_RANGE,
                    "load_kg": LOAD_KG_RANGE,
                    "target_rir": RIR_RANGE,
                    "rir": RIR_RANGE,
                }.items()
            ],
            # A logged set has at least its reps; load and RIR may be left out (bodyweight,
            # not judged).
            models.CheckConstraint(
                condition=Q(reps__isnull=False) | (Q(load_kg__isnull=True) & Q(rir__isnull=True)),
                name="set_done_values_need_reps",
            ),
            # The client_id is the logged set's identity: empty until the set is logged.
            models.CheckConstraint(
                condition=Q(client_id__isnull=True) | Q(reps__isnull=False),
                name="set_client_id_only_when_logged",
            ),
        ]

    def __str__(self) -> str:
        return f"Set {self.order} of {self.session}"

    @property
    def is_logged(self) -> bool:
        return self.reps is not None

    @property
    def target_before_adjustment(self) -> Decimal | None:
        """The target the coach or the scheduler set, whatever autoregulation made of it."""
        return self.original_target_load_kg if self.adjustment else self.target_load_kg


class RunFileFormat(models.TextChoices):
    FIT = "fit", "FIT"
    GPX = "gpx", "GPX"
    TCX = "tcx", "TCX"


class RunFile(models.Model):
    """A run file from a watch, imported once: what it said, and the run it made done (a
    planned one it matched, or one it created, `unplanned`). The content itself is not kept:
    its hash recognises the same file again, its start the same run exported twice."""

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.CASCADE, related_name="run_files"
    )
    # Deleting the run forgets the file too, so it may be imported again.
    run = models.OneToOneField(RunSession, on_delete=models.CASCADE, related_name="run_file")
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=255)
    size_bytes = models.PositiveIntegerField()
    format = models.CharField(max_length=8, choices=RunFileFormat)
    started_at = models.DateTimeField()
    elapsed_seconds = models.PositiveIntegerField()
    distance_km = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    avg_heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    unplanned = models.BooleanField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["athlete", "started_at"]
        constraints = [
            models.UniqueConstraint(fields=["athlete", "sha256"], name="run_file_content_once"),
            models.UniqueConstraint(fields=["athlete", "started_at"], name="run_file_start_once"),
            models.CheckConstraint(
                condition=Q(format__in=RunFileFormat.values), name="run_file_format_valid"
            ),
            models.CheckConstraint(condition=Q(size_bytes__gte=1), name="run_file_not_empty"),
            models.CheckConstraint(
                condition=_between("elapsed_seconds", 1, MAX_DURATION_MINUTES * 60),
                name="run_file_elapsed_range",
            ),
            models.CheckConstraint(
                condition=Q(distance_km__isnull=True) | Q(distance_km__gte=0),
                name="run_file_distance_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(avg_heart_rate__isnull=True) | _between("avg_heart_rate", 20, 250),
                name="run_file_heart_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.athlete_id})"
