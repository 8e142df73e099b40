from django import forms

from notifications.models import EmailPreferences

SWITCHES = ("week_published", "week_changed", "daily")


class EmailPreferencesForm(forms.ModelForm[EmailPreferences]):
    class Meta:
        model = EmailPreferences
        fields = [*SWITCHES, "daily_time"]
        labels = {
            "week_published": "When a week of mine is published",
            "week_changed": "When a published week changes (one email per burst of edits)",
            "daily": "Today's sessions, every morning",
            "daily_time": "Time of the daily email (my time zone)",
        }
        widgets = {
            **{name: forms.CheckboxInput(attrs={"class": "form-check-input"}) for name in SWITCHES},
            "daily_time": forms.TimeInput(
                attrs={"type": "time", "class": "form-control"}, format="%H:%M"
            ),
        }


class CoachEmailPreferencesForm(EmailPreferencesForm):
    """A coach gets the daily email only (their roster's sessions): the week emails are the
    athletes' own (the coach published or changed the week themselves)."""

    class Meta(EmailPreferencesForm.Meta):
        fields = ["daily", "daily_time"]
        labels = {
            **EmailPreferencesForm.Meta.labels,
            "daily": "My athletes' sessions of the day, every morning",
        }
