from typing import Any

from django import forms

from plans.domain.weeks import InvalidWeek, Week


class WeekField(forms.Field):
    """An ISO week typed or posted in a form, e.g. `2026-W49`: cleaned to a `Week`, or the
    parser's own words as the field's error (the page answers 400)."""

    widget = forms.TextInput(attrs={"placeholder": "2026-W49", "size": 9})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{"label": "ISO week", **kwargs})

    def to_python(self, value: Any) -> Week | None:
        if value in self.empty_values:
            return None
        try:
            return Week.parse(value)
        except InvalidWeek as error:
            raise forms.ValidationError(str(error), code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        return str(value) if isinstance(value, Week) else value


class WeekForm(forms.Form):
    """The week a dashboard form works on: the jump box (GET) and the roster buttons (POST)."""

    week = WeekField()


class CoachNoteForm(forms.Form):
    coach_note = forms.CharField(
        label="Coach's note",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The athlete reads it with the published week.",
    )
