from django.contrib import admin
from django.http import HttpRequest

from workouts.models import LiftSession, LiftSet, RunFile, RunSession


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


@admin.register(RunFile)
class RunFileAdmin(admin.ModelAdmin):
    """Read-only: a file is imported by the upload (workouts.run_imports), never typed in;
    deleting one here lets the same file be imported again."""

    list_display = ["started_at", "athlete", "filename", "format", "unplanned", "imported_at"]
    list_filter = ["format", "unplanned"]
    search_fields = ["athlete__user__username", "filename", "sha256"]
    list_select_related = ["athlete__user", "run"]
    readonly_fields = [field.name for field in RunFile._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RunFile | None = None) -> bool:
        return False
