"""Forms for the coach's session editing. They check input (ranges from the models, a start inside
the week the coach is editing); they decide nothing about the coaching rules: the week page shows
what the plans engine makes of the result."""

from datetime import datetime
from typing import Any

from django import forms
from django.forms import inlineformset_factory

from plans.domain.format import dated_time_label
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
    target_load_kg = forms.DecimalField(
        label="Load (kg)",
        required=False,
        min_value=LOAD_KG_RANGE[0],
        max_value=LOAD_KG_RANGE[1],
        max_digits=5,
        decimal_places=2,
    )
    target_rir = forms.IntegerField(
        label="RIR", required=False, min_value=RIR_RANGE[0], max_value=RIR_RANGE[1]
    )

    class Meta:
        model = LiftSet
        fields = ["is_warmup", "target_reps", "target_load_kg", "target_rir", "target_load_reason"]
        labels = {"is_warmup": "Warm-up", "target_load_reason": "Reason for the load"}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("DELETE") and self.has_changed() and cleaned.get("target_reps") is None:
            self.add_error("target_reps", "Give the set its reps.")
        return cleaned


LiftSetFormSet = inlineformset_factory(
    LiftSession, LiftSet, form=LiftSetForm, extra=2, can_delete=True, max_num=12
)
