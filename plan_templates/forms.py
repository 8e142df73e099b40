"""The coach's template forms: read and check what was typed (ranges from the models), and hand
one document to plan_templates.services, which decides everything else (the name's uniqueness,
the weeks' numbering) and writes. The pages and the API write a template the same one way.

The editor works without JavaScript: "Add a run" and "Change the number of weeks" are submit
buttons that post the whole form and get it back with one more row or the new weeks, nothing
saved."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.http import QueryDict

from athletes.models import Athlete
from plan_templates.models import (
    DEADLIFT_REPS_RANGE,
    DEADLIFT_SETS_RANGE,
    MAX_PUBLISH_DAYS_BEFORE,
    MAX_RUN_MINUTES,
    MAX_TEMPLATE_WEEKS,
    PlanTemplate,
)
from plan_templates.services import TemplateInvalid
from plans.domain.errors import ServiceError
from plans.domain.format import WEEKDAYS
from plans.domain.weeks import Week
from plans.forms import WeekField
from workouts.models import RunKind

NEW_TEMPLATE_WEEKS = 4
MAX_RUNS_PER_WEEK = 21  # three a day is already more than any plan we have seen
BLANK_RUN_ROWS = 2  # empty rows under a week's runs, for typing new ones

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WEEKDAY_CHOICES = [("", "Day…"), *((str(n), name) for n, name in enumerate(WEEKDAYS))]
KIND_CHOICES = [("", "Kind…"), *RunKind.choices]
SETS_CHOICES = [(n, str(n)) for n in range(DEADLIFT_SETS_RANGE[0], DEADLIFT_SETS_RANGE[1] + 1)]
REPS_CHOICES = [(n, str(n)) for n in range(DEADLIFT_REPS_RANGE[0], DEADLIFT_REPS_RANGE[1] + 1)]


def weeks_field(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label="Number of weeks",
        min_value=1,
        max_value=MAX_TEMPLATE_WEEKS,
        **kwargs,
    )


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    weeks = weeks_field(initial=NEW_TEMPLATE_WEEKS)


class TemplateWeekForm(forms.Form):
    has_deadlift = forms.BooleanField(label="Deadlift this week", required=False)
    deadlift_sets = forms.TypedChoiceField(
        label="Working sets", choices=SETS_CHOICES, coerce=int, initial=DEADLIFT_SETS_RANGE[0]
    )
    deadlift_reps = forms.TypedChoiceField(
        label="Reps per set", choices=REPS_CHOICES, coerce=int, initial=DEADLIFT_REPS_RANGE[0]
    )


class TemplateRunForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day", choices=WEEKDAY_CHOICES, coerce=int, empty_value=None
    )
    start_time = forms.TimeField(
        label="Start (local)",
        widget=TIME,
        input_formats=["%H:%M", "%H:%M:%S"],
        error_messages={"invalid": "Give the time as hours and minutes, like 07:00."},
    )
    kind = forms.ChoiceField(label="Kind", choices=KIND_CHOICES)
    duration_minutes = forms.IntegerField(
        label="Duration (min)", min_value=1, max_value=MAX_RUN_MINUTES, initial=60
    )
    distance_km = forms.DecimalField(
        label="Distance (km)", required=False, min_value=0, max_digits=6, decimal_places=2
    )


class BaseTemplateRunFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove"


TemplateRunFormSet = formset_factory(
    TemplateRunForm,
    formset=BaseTemplateRunFormSet,
    extra=BLANK_RUN_ROWS,
    can_delete=True,
    max_num=MAX_RUNS_PER_WEEK,
    validate_max=True,
    # A forged TOTAL_FORMS builds no more forms than a week may hold.
    absolute_max=MAX_RUNS_PER_WEEK,
)


@dataclass
class EditorWeek:
    number: int
    form: TemplateWeekForm
    runs: Any  # a TemplateRunFormSet (formset_factory builds its class at run time)


# A week the coach adds: the deadlift is the point of the app, so it is on by default.
NEW_WEEK = {"has_deadlift": True, "deadlift_sets": 3, "deadlift_reps": 3}


def _week_prefix(number: int) -> str:
    return f"week{number}"


def _initial_weeks(template: PlanTemplate | None) -> dict[int, tuple[dict, list[dict]]]:
    """Each week's deadlift and runs as the forms' initial values, by week number."""
    if template is None:
        return {}
    # A week of the template without a row is empty: no runs, no deadlift (as applying it is).
    weeks: dict[int, tuple[dict, list[dict]]] = {
        number: ({**NEW_WEEK, "has_deadlift": False}, []) for number in range(1, template.weeks + 1)
    }
    for week in template.template_weeks.prefetch_related("runs"):
        weeks[week.number] = (
            {
                "has_deadlift": week.has_deadlift,
                "deadlift_sets": week.deadlift_sets,
                "deadlift_reps": week.deadlift_reps,
            },
            [
                {
                    "weekday": str(run.weekday),
                    "start_time": run.start_time,
                    "kind": run.kind,
                    "duration_minutes": run.duration_minutes,
                    "distance_km": run.distance_km,
                }
                for run in week.runs.all()
            ],
        )
    return weeks


class TemplateEditor:
    """The whole editor page: the template's name, description and number of weeks, and per
    week its deadlift and a formset of runs. `action` is the submit button pressed: "save",
    "resize" (show the number of weeks typed) or "add-run-N" (one more row in week N)."""

    def __init__(
        self, data: QueryDict | None = None, *, template: PlanTemplate | None = None
    ) -> None:
        self.template = template
        self.action = "save"
        self.resized = False
        self.service_errors: list[str] = []
        initial_weeks = _initial_weeks(template)
        if data is None:
            self.bound = False
            shown = template.weeks if template is not None else NEW_TEMPLATE_WEEKS
            self.form = TemplateForm(
                initial={
                    "name": template.name,
                    "description": template.description,
                    "weeks": template.weeks,
                }
                if template is not None
                else None
            )
            self.shown_weeks = shown
            self.weeks = [self._unbound_week(n, initial_weeks) for n in range(1, shown + 1)]
            return
        self.bound = True
        data = data.copy()
        self.action = data.get("action", "save")
        shown = _clamped(data.get("shown_weeks"), default=NEW_TEMPLATE_WEEKS)
        self.form = TemplateForm(data)
        wanted = shown
        if self.form.is_valid():
            wanted = self.form.cleaned_data["weeks"]
        if self.action.startswith("add-run-"):
            number = _clamped(self.action.removeprefix("add-run-"), default=0)
            total_key = f"{_week_prefix(number)}-runs-TOTAL_FORMS"
            if 1 <= number <= shown and total_key in data:
                rows = _clamped(data[total_key], default=0, low=0, high=MAX_RUNS_PER_WEEK - 1)
                data[total_key] = str(rows + 1)
                # The new row as a blank row is sent: it is not a run until something is typed.
                data[f"{_week_prefix(number)}-runs-{rows}-duration_minutes"] = "60"
        self.shown_weeks = wanted
        self.weeks = [
            self._bound_week(n, data) if n <= shown else self._unbound_week(n, initial_weeks)
            for n in range(1, wanted + 1)
        ]
        # Saving with a number of weeks other than the one shown shows the new weeks first.
        self.resized = wanted != shown

    @staticmethod
    def _unbound_week(number: int, initial: Mapping[int, tuple[dict, list[dict]]]) -> EditorWeek:
        week, runs = initial.get(number, (NEW_WEEK, []))
        prefix = _week_prefix(number)
        return EditorWeek(
            number,
            TemplateWeekForm(prefix=prefix, initial=week),
            TemplateRunFormSet(prefix=f"{prefix}-runs", initial=runs or None),
        )

    @staticmethod
    def _bound_week(number: int, data: QueryDict) -> EditorWeek:
        prefix = _week_prefix(number)
        return EditorWeek(
            number,
            TemplateWeekForm(data, prefix=prefix),
            TemplateRunFormSet(data, prefix=f"{prefix}-runs"),
        )

    @property
    def wants_save(self) -> bool:
        return self.bound and self.action == "save" and not self.resized

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for week in self.weeks:
            valid = week.form.is_valid() and valid
            valid = week.runs.is_valid() and valid
        return valid

    def document(self) -> dict[str, Any]:
        """What was typed, as the one document plan_templates.services.replace_template takes."""
        cleaned = self.form.cleaned_data
        return {
            "name": cleaned["name"],
            "description": cleaned["description"],
            "weeks": cleaned["weeks"],
            "week_list": [
                {
                    "number": week.number,
                    "has_deadlift": week.form.cleaned_data["has_deadlift"],
                    "deadlift_sets": week.form.cleaned_data["deadlift_sets"],
                    "deadlift_reps": week.form.cleaned_data["deadlift_reps"],
                    "runs": sorted(
                        (_run(run.cleaned_data) for run in _kept_runs(week.runs)),
                        key=lambda run: (run["weekday"], run["start_time"]),
                    ),
                }
                for week in self.weeks
            ],
        }

    def add_service_error(self, error: ServiceError) -> None:
        """The service's refusal, on the field it names when the page has it (the service
        checks what the forms check too; what only it knows is the template's name)."""
        if isinstance(error, TemplateInvalid):
            for path, messages in error.errors.items():
                if path in self.form.fields:
                    self.form.add_error(path, messages)
                else:
                    self.service_errors.extend(f"{path}: {m}" for m in messages)
        else:
            self.service_errors.append(str(error))

    def errors(self) -> Iterator[tuple[str, str]]:
        """Every error on the page as (the field's id or "", the words), for the summary."""
        for words in self.service_errors:
            yield "", words
        for problem in self.form.non_field_errors():
            yield "", str(problem)
        for field in self.form:
            for problem in field.errors:
                yield field.id_for_label, f"{field.label}: {problem}"
        for week in self.weeks:
            if not week.form.is_bound:
                continue
            for field in week.form:
                for problem in field.errors:
                    yield (
                        field.id_for_label,
                        f"Week {week.number}, {field.label.lower()}: {problem}",
                    )
            for problem in week.runs.non_form_errors():
                yield "", f"Week {week.number}: {problem}"
            for row, run in enumerate(week.runs, start=1):
                for field in run:
                    for problem in field.errors:
                        where = f"Week {week.number}, run {row}, {field.label.lower()}"
                        yield field.id_for_label, f"{where}: {problem}"


def _kept_runs(runs: Any) -> Iterator[forms.Form]:
    for run in runs:
        if run.has_changed() and not run.cleaned_data.get("DELETE"):
            yield run


def _run(cleaned: dict[str, Any]) -> dict[str, Any]:
    distance: Decimal | None = cleaned["distance_km"]
    start: time = cleaned["start_time"]
    return {
        "weekday": cleaned["weekday"],
        "start_time": start.replace(second=0, microsecond=0),
        "kind": cleaned["kind"],
        "duration_minutes": cleaned["duration_minutes"],
        "distance_km": distance,
    }


def _clamped(value: Any, *, default: int, low: int = 1, high: int = MAX_TEMPLATE_WEEKS) -> int:
    """A number the page itself posts (hidden fields, button values), kept in range: a forged
    one changes what is shown, never what is written (the forms check what is)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(number, high))


class CopyTemplateForm(forms.Form):
    name = forms.CharField(label="Name of the copy", max_length=100)


class SaveWeeksForm(forms.Form):
    """An athlete's weeks saved as a template: from which week, how many, under what name."""

    name = forms.CharField(max_length=100)
    first_week = WeekField(label="First week")
    weeks = weeks_field(initial=NEW_TEMPLATE_WEEKS)


class ApplyForm(forms.Form):
    """Which of the coach's athletes, each from their own start week, and the optional rollout.
    One checkbox and one week per athlete of the roster: an id that is not on the roster has no
    field, so it cannot be posted."""

    publish_days_before = forms.IntegerField(
        label="Publish each week this many days before it starts",
        required=False,
        min_value=0,
        max_value=MAX_PUBLISH_DAYS_BEFORE,
        help_text="Leave empty to keep the weeks as drafts until you publish them.",
    )

    def __init__(
        self, *args: Any, athletes: list[Athlete], default_weeks: dict[int, Week], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.athletes = athletes
        for athlete in athletes:
            self.fields[f"pick_{athlete.pk}"] = forms.BooleanField(
                label=athlete.name,
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"start_{athlete.pk}"] = WeekField(
                label=f"{athlete.name}'s first week",
                required=False,
                initial=default_weeks[athlete.pk],
                widget=forms.TextInput(
                    attrs={"placeholder": "2026-W49", "size": 9, "class": "form-control"}
                ),
            )

    def rows(self) -> list[tuple[Athlete, forms.BoundField, forms.BoundField]]:
        return [
            (athlete, self[f"pick_{athlete.pk}"], self[f"start_{athlete.pk}"])
            for athlete in self.athletes
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        picked = [athlete for athlete in self.athletes if cleaned.get(f"pick_{athlete.pk}")]
        if not picked:
            raise ValidationError("Choose at least one athlete.")
        for athlete in picked:
            key = f"start_{athlete.pk}"
            if key not in self.errors and cleaned.get(key) is None:
                self.add_error(key, f"Give {athlete.name}'s first week, like 2026-W49.")
        cleaned["targets"] = [(athlete, cleaned.get(f"start_{athlete.pk}")) for athlete in picked]
        return cleaned
