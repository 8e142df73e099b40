import secrets
from datetime import time
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from athletes.transactions import atomic_with_retry
from plans.domain.units import STORED_PLACES, Unit, increment_for_new_unit


class Units(models.TextChoices):
    KG = Unit.KG.value, "Kilograms (kg)"
    LB = Unit.LB.value, "Pounds (lb)"


def units_field() -> models.CharField:
    return models.CharField(max_length=2, choices=Units, default=Units.KG)


def units_constraint(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": Units.values}), name=name)


@cache
def time_zone_names() -> tuple[str, ...]:
    """The zones an athlete or coach may have: the list the web form offers, and all the API
    and the model accept. UTC and the canonical Area/City names only: the legacy aliases
    ("US/Pacific", "Etc/GMT+5") make the list long and confusing, and the system's own entries
    ("localtime": whatever the server's clock says; "Factory") are no place on Earth."""
    zones = sorted(
        zone
        for zone in available_timezones()
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/"))
    )
    return ("UTC", *zones)


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(f"'{value}' is not an IANA time zone (e.g. Europe/Berlin).")


def new_calendar_token() -> str:
    # 256 random bits, URL-safe: the feed's address is its only credential.
    return secrets.token_urlsafe(32)


class Coach(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # The unit of loads on the coach's own pages, and the one a new athlete starts with.
    units = units_field()
    default_athlete_units = units_field()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(time_zone=""), name="coach_time_zone_set"),
            units_constraint("units", "coach_units_valid"),
            units_constraint("default_athlete_units", "coach_default_athlete_units_valid"),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class Athlete(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="athlete"
    )
    coach = models.ForeignKey(
        Coach, null=True, blank=True, on_delete=models.SET_NULL, related_name="athletes"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    training_window_start = models.TimeField(default=time(6, 0))
    training_window_end = models.TimeField(default=time(21, 0))
    # Kilograms, exactly: 5 lb is 2.26796185 kg (plans.domain.units).
    load_increment_kg = models.DecimalField(
        max_digits=STORED_PLACES + 2,
        decimal_places=STORED_PLACES,
        default=Decimal("2.5"),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("25"))],
    )
    # The unit the athlete sees and types loads in (the phone, the feed); their own choice.
    units = units_field()
    # Autoregulation re-targets the scheduler's own targets after each logged set; the targets
    # the coach chose by hand only when the coach turns this on (DOMAIN.md, "Autoregulation").
    autoregulate_coach_targets = models.BooleanField(
        default=False,
        help_text="Adjust the loads you set by hand after each logged set, as the scheduler's are.",
    )
    # Mirrors user.is_active so "a coach's active athletes" is one indexed lookup; the two are
    # only ever changed together, through deactivate() and activate().
    is_active = models.BooleanField(default=True)
    # The secret in the address of the athlete's calendar feed; rotating it revokes the old one.
    calendar_token = models.CharField(
        max_length=64, unique=True, default=new_calendar_token, editable=False
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        constraints = [
            models.CheckConstraint(condition=~Q(time_zone=""), name="athlete_time_zone_set"),
            models.CheckConstraint(
                condition=Q(training_window_start__lt=F("training_window_end")),
                name="athlete_window_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(load_increment_kg__gte=Decimal("0.25"))
                & Q(load_increment_kg__lte=Decimal("25")),
                name="athlete_load_increment_range",
            ),
            units_constraint("units", "athlete_units_valid"),
        ]
        indexes = [
            models.Index(
                fields=["coach"], condition=Q(is_active=True), name="athlete_coach_active_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name(self.user.first_name, self.user.last_name, self.user.username)

    @staticmethod
    def display_name(first_name: str, last_name: str, username: str) -> str:
        """The full name, or the username without one (as User.get_full_name() would)."""
        return f"{first_name} {last_name}".strip() or username

    def clean(self) -> None:
        start, end = self.training_window_start, self.training_window_end
        if start is not None and end is not None and start >= end:
            raise ValidationError(
                {"training_window_end": "The training window must end after it starts."}
            )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def name(self) -> str:
        return str(self)

    def change_units(self, units: str) -> None:
        """The athlete's own choice of kg or lb (not saved here). An increment left at the old
        unit's default becomes the new unit's (2.5 kg <-> 5 lb); a chosen one stays."""
        self.load_increment_kg = increment_for_new_unit(
            Decimal(self.load_increment_kg), self.units, units
        )
        self.units = units

    def deactivate(self) -> None:
        self._set_active(False)

    def activate(self) -> None:
        self._set_active(True)

    @atomic_with_retry
    def rotate_calendar_token(self) -> None:
        self.calendar_token = new_calendar_token()
        self.save(update_fields=["calendar_token"])

    @atomic_with_retry
    def _set_active(self, active: bool) -> None:
        self.is_active = active
        self.save(update_fields=["is_active"])
        if active:
            # A feed address handed out before a deactivation must not come back with the
            # login: an athlete (re)activated starts with a new secret. Written after the
            # change that moves the revision, never with it: the secret is a key, and its
            # row lock, held while waiting for the revision row, deadlocked with session
            # writes (which take the revision, then a foreign-key lock on the athlete).
            self.calendar_token = new_calendar_token()
            self.save(update_fields=["calendar_token"])
        self.user.is_active = active
        self.user.save(update_fields=["is_active"])
