"""Forms for the coach's session editing. They check input (ranges from the models, a start inside
the week the coach is editing); they decide nothing about the coaching rules: the week page shows
what the plans engine makes of the result."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.forms import inlineformset_factory

from plans.domain.format import MONTHS_SHORT, dated_time_label, weekday_name
from plans.domain.units import Unit
from plans.domain.weeks import Week
from web.loads import load_field, shown, to_stored
from workouts.models import (
    LOAD_KG_RANGE,
    MAX_DURATION_MINUTES,
    REPS_RANGE,
    RIR_RANGE,
    LiftSession,
    LiftSet,
    RunSession,
)

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionForm(forms.ModelForm):
    """The view renders and validates it inside timezone.override(athlete's zone), so the
    datetime-local input reads and shows the athlete's local time."""

    start = forms.DateTimeField(
        label="Start (athlete's local time)",
        widget=DATETIME_LOCAL,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=1, max_value=MAX_DURATION_MINUTES, initial=60
    )

    def __init__(self, *args: Any, week_bounds: tuple[datetime, datetime], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.week_bounds = week_bounds

    def clean_start(self) -> datetime:
        start = self.cleaned_data["start"]
        week_start, week_end = self.week_bounds
        if not week_start <= start < week_end:
            tz = start.tzinfo
            raise forms.ValidationError(
                "The start must lie in this week: from "
                f"{dated_time_label(week_start, tz)} to before {dated_time_label(week_end, tz)}."
            )
        return start


class RunSessionForm(SessionForm):
    distance_km = forms.DecimalField(
        label="Distance (km)", required=False, min_value=0, max_digits=6, decimal_places=2
    )

    class Meta:
        model = RunSession
        fields = ["kind", "start", "duration_minutes", "distance_km", "status", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class LiftSessionForm(SessionForm):
    class Meta:
        model = LiftSession
        fields = ["exercise", "start", "duration_minutes", "status", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class LiftSetForm(forms.ModelForm):
    # The ranges the database enforces, said before it has to.
    target_reps = forms.IntegerField(
        label="Reps", required=False, min_value=REPS_RANGE[0], max_value=REPS_RANGE[1]
    )
    # Typed in the coach's unit (the formset's form_kwargs), stored in exact kilograms.
    target_load_kg = load_field(
        Unit.KG, label="Load", low_kg=LOAD_KG_RANGE[0], high_kg=LOAD_KG_RANGE[1]
    )
    target_rir = forms.IntegerField(
        label="RIR", required=False, min_value=RIR_RANGE[0], max_value=RIR_RANGE[1]
    )

    class Meta:
        model = LiftSet
        fields = ["is_warmup", "target_reps", "target_load_kg", "target_rir", "target_load_reason"]
        labels = {"is_warmup": "Warm-up", "target_load_reason": "Reason for the load"}

    def __init__(self, *args: Any, unit: Unit | str = Unit.KG, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = Unit(unit)
        self.fields["target_load_kg"] = load_field(
            self.unit, label="Load", low_kg=LOAD_KG_RANGE[0], high_kg=LOAD_KG_RANGE[1]
        )
        if self.instance.pk is not None:
            self.initial["target_load_kg"] = shown(self.instance.target_load_kg, self.unit)

    def clean_target_load_kg(self) -> Decimal | None:
        stored = self.instance.target_load_kg if self.instance.pk is not None else None
        return to_stored(self.cleaned_data["target_load_kg"], stored, self.unit)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("DELETE") and self.has_changed() and cleaned.get("target_reps") is None:
            self.add_error("target_reps", "Give the set its reps.")
        if "target_load_kg" in self.changed_data:
            # The coach chose this load: it is the set's own target now, not an adjusted one.
            self.instance.original_target_load_kg = None
            self.instance.adjustment = None
        return cleaned


LiftSetFormSet = inlineformset_factory(
    LiftSession, LiftSet, form=LiftSetForm, extra=2, can_delete=True, max_num=12
)


def day_label(day: date) -> str:
    return f"{weekday_name(day)} {day.day} {MONTHS_SHORT[day.month - 1]}"


class MoveForm(forms.Form):
    """Where a session goes on the week board: a day of the week shown and a local clock time.
    Drag and drop fills in the same form. The move's own checks (training window, the
    present) are the service's; this form only reads the input."""

    day = forms.TypedChoiceField(
        label="Day",
        coerce=date.fromisoformat,
        error_messages={"invalid_choice": "Choose a day of this week."},
    )
    time = forms.TimeField(
        label="Time",
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Give the time as hours and minutes, like 17:00."},
    )

    def __init__(self, *args: Any, week: Week, time_zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        day_field = self.fields["day"]
        assert isinstance(day_field, forms.TypedChoiceField)
        day_field.choices = [(day.isoformat(), day_label(day)) for day in week.days]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, at = cleaned.get("day"), cleaned.get("time")
        if day is None or at is None:
            return cleaned
        wall = datetime.combine(day, at.replace(second=0, microsecond=0))
        start = wall.replace(tzinfo=self.time_zone)
        # A wall time the clocks skip (the spring-forward hour) has no instant: say so rather
        # than guess one.
        if start.astimezone(UTC).astimezone(self.time_zone).replace(tzinfo=None) != wall:
            raise forms.ValidationError(
                f"{at:%H:%M} does not exist on {day_label(day)}: the clocks change then."
            )
        cleaned["start"] = start
        return cleaned
