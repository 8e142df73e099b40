from django import forms

from notifications.models import EmailPreferences


class EmailPreferencesForm(forms.ModelForm[EmailPreferences]):
    class Meta:
        model = EmailPreferences
        fields = ["week_published", "week_changed", "daily", "daily_time"]
        labels = {
            "week_published": "When a week of mine is published",
            "week_changed": "When a published week changes (one email per burst of edits)",
            "daily": "Today's sessions, every morning",
            "daily_time": "Time of the daily email (my time zone)",
        }
        widgets = {
            "daily_time": forms.TimeInput(
                attrs={"type": "time", "class": "form-control"}, format="%H:%M"
            )
        }
