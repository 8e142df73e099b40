"""The weeks' routes of the API, mounted under /api/v1/ by config/api_urls.py."""

from django.urls import path

from plans import api

WEEK = "athletes/<int:pk>/weeks/<isoweek:week>/"

urlpatterns = [
    path(WEEK, api.WeekView.as_view(), name="week"),
    path(f"{WEEK}schedule-deadlift/", api.ScheduleDeadliftView.as_view(), name="schedule-deadlift"),
    path(f"{WEEK}publish/", api.PublishWeekView.as_view(), name="publish-week"),
    path(f"{WEEK}apply-fix/", api.ApplyFixView.as_view(), name="apply-fix"),
    path(
        "weeks/<isoweek:week>/schedule-roster/",
        api.ScheduleRosterView.as_view(),
        name="schedule-roster",
    ),
    path("violations/", api.ViolationsView.as_view(), name="violations"),
]
