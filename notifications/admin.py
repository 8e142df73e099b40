"""Who gets which email, and what each athlete was last told of a week: for support ("why did I
get no email?"). What was told is the sweep's record, so it is read-only here."""

from django.contrib import admin
from django.http import HttpRequest

from notifications.models import EmailPreferences, WeekNotice


@admin.register(EmailPreferences)
class EmailPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "week_published", "week_changed", "daily", "daily_time"]
    list_filter = ["week_published", "week_changed", "daily"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["daily_sent_on"]


@admin.register(WeekNotice)
class WeekNoticeAdmin(admin.ModelAdmin):
    list_display = ["athlete", "week_start", "published_sent_at", "pending_since"]
    search_fields = ["athlete__user__username", "athlete__user__last_name"]
    date_hierarchy = "week_start"
    list_select_related = ["athlete__user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
