from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from athletes.models import Athlete, Coach
from plans.domain.units import format_load
from plans.services import change_time_zone


@admin.register(Coach)
class CoachAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "time_zone", "units", "default_athlete_units"]
    list_filter = ["time_zone"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Athlete)
class AthleteAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "coach",
        "time_zone",
        "training_window_start",
        "training_window_end",
        "increment",
        "units",
        "is_active",
    ]
    list_filter = ["is_active", "coach", "time_zone"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "coach__user"]
    raw_id_fields = ["user"]
    # Only through the actions: they change the login with it, and a reactivation issues a
    # new calendar secret (Athlete.activate).
    readonly_fields = ["is_active"]
    actions = ["deactivate", "activate"]

    def save_model(
        self, request: HttpRequest, obj: Athlete, form: forms.ModelForm, change: bool
    ) -> None:
        # The admin's own transaction holds both: the sessions move with the zone (DOMAIN.md,
        # "The present"), from the zone still stored, before the form writes the new one.
        if change and "time_zone" in form.changed_data:
            change_time_zone(athlete=obj, time_zone=obj.time_zone)
        super().save_model(request, obj, form, change)

    @admin.display(description="load increment", ordering="load_increment_kg")
    def increment(self, athlete: Athlete) -> str:
        # In the athlete's unit ("5 lb"), not the stored kilograms (2.2679618500).
        return format_load(athlete.load_increment_kg, athlete.units)

    @admin.action(description="Deactivate the selected athletes (they can no longer log in)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Athlete]) -> None:
        for athlete in queryset.select_related("user"):
            athlete.deactivate()

    @admin.action(description="Reactivate the selected athletes (with a new calendar address)")
    def activate(self, request: HttpRequest, queryset: QuerySet[Athlete]) -> None:
        for athlete in queryset.filter(is_active=False).select_related("user"):
            athlete.activate()
