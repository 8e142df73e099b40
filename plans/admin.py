from django.contrib import admin

from plans.models import WeeklyPlan


@admin.register(WeeklyPlan)
class WeeklyPlanAdmin(admin.ModelAdmin):
    list_display = ["athlete", "iso_week", "week_start", "status", "published_at"]
    list_filter = ["status", "athlete__coach"]
    search_fields = ["athlete__user__username", "athlete__user__last_name", "coach_note"]
    date_hierarchy = "week_start"
    list_select_related = ["athlete__user"]
    raw_id_fields = ["athlete"]
