from functools import cache
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User
from django.db.models import Field

from athletes.models import Athlete, time_zone_names


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in time_zone_names()]


TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class AthleteForm(forms.ModelForm):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)
    time_zone = forms.ChoiceField(label="Time zone", choices=time_zone_choices)

    class Meta:
        model = Athlete
        fields = [
            "time_zone",
            "training_window_start",
            "training_window_end",
            "load_increment_kg",
            "autoregulate_coach_targets",
        ]
        labels = {
            "training_window_start": "Training window starts (local)",
            "training_window_end": "Training window ends (local)",
            "load_increment_kg": "Load increment (kg)",
            "autoregulate_coach_targets": "Autoregulate my own targets",
        }
        help_texts = {
            "autoregulate_coach_targets": "After each logged working set, the deadlift's next "
            "sets follow it (within 10 % of the target). The scheduler's targets always do; "
            "turn this on to have the loads you set by hand follow too."
        }
        widgets = {"training_window_start": TIME, "training_window_end": TIME}

    field_order = ["first_name", "last_name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["first_name"].initial = self.instance.user.first_name
            self.fields["last_name"].initial = self.instance.user.last_name

    def save_user(self, user: User) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]


class AthleteEditForm(AthleteForm):
    new_password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to keep the current one. A new one also signs the athlete "
        "out of every app that uses an API token of theirs.",
    )

    def clean_new_password(self) -> str:
        password = self.cleaned_data["new_password"]
        if password:
            password_validation.validate_password(password, self.instance.user)
        return password

    def save_user(self, user: User) -> None:
        super().save_user(user)
        if self.cleaned_data["new_password"]:
            user.set_password(self.cleaned_data["new_password"])


class AthleteCreateForm(AthleteForm):
    username = forms.CharField(
        max_length=150, help_text="The athlete logs in with it.", label="Username"
    )
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        help_text=password_validation.password_validators_help_text_html(),
    )

    field_order = ["username", "password", "first_name", "last_name"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        User = get_user_model()
        field = User._meta.get_field(User.USERNAME_FIELD)
        assert isinstance(field, Field)  # the username is a column, not a relation
        for validator in field.validators:
            validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken.")
        return username

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        password = cleaned.get("password")
        if password:
            User = get_user_model()
            probe = User(
                username=cleaned.get("username", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned
