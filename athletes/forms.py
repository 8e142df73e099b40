from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User
from django.db.models import Field

from athletes.models import Athlete, Coach, Units, time_zone_names
from plans.domain.units import Unit, default_increment_kg
from web.loads import load_field, shown, to_stored

INCREMENT_RANGE_KG = (Decimal("0.25"), Decimal("25"))


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
            "autoregulate_coach_targets": "Autoregulate my own targets",
        }
        help_texts = {
            "autoregulate_coach_targets": "After each logged working set, the deadlift's next "
            "sets follow it (within 10 % of the target). The scheduler's targets always do; "
            "turn this on to have the loads you set by hand follow too."
        }
        widgets = {"training_window_start": TIME, "training_window_end": TIME}

    field_order = ["first_name", "last_name"]

    def __init__(self, *args: Any, unit: Unit | str | None = None, **kwargs: Any) -> None:
        """The increment is typed in the athlete's unit (`unit` for a new athlete: the coach's
        default), since it is the athlete's plates: "5 lb", not "2.27 kg"."""
        super().__init__(*args, **kwargs)
        self.unit = Unit(unit or self.instance.units)
        self.fields["load_increment_kg"] = load_field(
            self.unit,
            label="Load increment",
            low_kg=INCREMENT_RANGE_KG[0],
            high_kg=INCREMENT_RANGE_KG[1],
            required=True,
            help_text="The smallest step the bar's total load can change by, in the "
            "athlete's unit.",
        )
        stored = self.instance.load_increment_kg if self.instance.pk is not None else None
        self.initial["load_increment_kg"] = shown(
            stored or default_increment_kg(self.unit), self.unit
        )
        if self.instance.pk is None:
            # A new athlete starts in the unit their increment is typed in.
            self.instance.units = self.unit
        else:
            self.fields["first_name"].initial = self.instance.user.first_name
            self.fields["last_name"].initial = self.instance.user.last_name

    def clean_load_increment_kg(self) -> Decimal | None:
        stored = self.instance.load_increment_kg if self.instance.pk is not None else None
        return to_stored(self.cleaned_data["load_increment_kg"], stored, self.unit)

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


UNITS = forms.RadioSelect


class CoachSettingsForm(forms.ModelForm):
    class Meta:
        model = Coach
        fields = ["units", "default_athlete_units"]
        labels = {
            "units": "Show loads on my pages in",
            "default_athlete_units": "New athletes start in",
        }
        help_texts = {
            "units": "The dashboard, the week board, the forms and progress: you type and "
            "read loads in this unit. Loads are stored in kilograms, exactly, whatever you "
            "choose.",
            "default_athlete_units": "Each athlete can change their own unit later.",
        }
        widgets = {"units": UNITS, "default_athlete_units": UNITS}


class AthleteSettingsForm(forms.Form):
    units = forms.ChoiceField(
        label="Show and log loads in",
        choices=Units,
        widget=UNITS,
        help_text="Your phone pages, plate hints and calendar feed. A 45 lb bar and "
        "45/35/25/10/5/2.5 lb plates in pounds; a 20 kg bar in kilograms.",
    )
