from django.contrib import admin

from workouts.models import LiftSession, LiftSet, RunSession


class SessionAdmin(admin.ModelAdmin):
    list_filter = ["status", "athlete__coach"]
    search_fields = ["athlete__user__username", "athlete__user__last_name", "notes"]
    date_hierarchy = "start"
    list_select_related = ["athlete__user", "plan"]
    raw_id_fields = ["athlete"]
    readonly_fields = ["plan"]


@admin.register(RunSession)
class RunSessionAdmin(SessionAdmin):
    list_display = ["start", "athlete", "kind", "duration_minutes", "distance_km", "status"]
    list_filter = ["kind", *SessionAdmin.list_filter]


class LiftSetInline(admin.TabularInline):
    model = LiftSet
    extra = 0
    fields = [
        "order",
        "is_warmup",
        "target_reps",
        "target_load_kg",
        "target_rir",
        "target_load_reason",
        "reps",
        "load_kg",
        "rir",
        "failed",
        "client_id",
    ]


@admin.register(LiftSession)
class LiftSessionAdmin(SessionAdmin):
    list_display = ["start", "athlete", "exercise", "duration_minutes", "status"]
    list_filter = ["exercise", *SessionAdmin.list_filter]
    inlines = [LiftSetInline]
