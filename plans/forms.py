from django import forms

from plans.domain.weeks import InvalidWeek, parse_iso_week


class WeekJumpForm(forms.Form):
    week = forms.CharField(
        label="ISO week",
        max_length=8,
        widget=forms.TextInput(attrs={"placeholder": "2026-W49", "size": 9}),
    )

    def clean_week(self):
        try:
            return parse_iso_week(self.cleaned_data["week"])
        except InvalidWeek as error:
            raise forms.ValidationError(str(error)) from None


class CoachNoteForm(forms.Form):
    coach_note = forms.CharField(
        label="Coach's note",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The athlete reads it with the published week.",
    )
