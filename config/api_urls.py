"""Everything under /api/v1/. A new endpoint goes here and into the permission matrix's table
(tests/api/test_permissions.py), whose test fails for any pattern the table misses."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from athletes import api as athletes_api
from plans import api as plans_api
from web.api import api_not_found
from workouts import api as workouts_api

router = SimpleRouter()
router.register("athletes", athletes_api.AthleteViewSet, basename="athlete")
router.register("run-sessions", workouts_api.RunSessionViewSet, basename="run-session")
router.register("lift-sessions", workouts_api.LiftSessionViewSet, basename="lift-session")

WEEK = "athletes/<int:pk>/weeks/<str:week>/"

urlpatterns = [
    path("auth/token/", athletes_api.TokenView.as_view(), name="token"),
    path("auth/logout/", athletes_api.LogoutView.as_view(), name="logout"),
    path("me/", athletes_api.MeView.as_view(), name="me"),
    path("ping/", athletes_api.PingView.as_view(), name="ping"),
    *router.urls,
    path("lift-sessions/<int:pk>/sets/", workouts_api.LogSetView.as_view(), name="log-set"),
    path(
        "lift-sessions/<int:pk>/sets/<int:set_pk>/",
        workouts_api.LoggedSetView.as_view(),
        name="logged-set",
    ),
    path(WEEK, plans_api.WeekView.as_view(), name="week"),
    path(
        f"{WEEK}schedule-deadlift/",
        plans_api.ScheduleDeadliftView.as_view(),
        name="schedule-deadlift",
    ),
    path(f"{WEEK}publish/", plans_api.PublishWeekView.as_view(), name="publish-week"),
    path(f"{WEEK}apply-fix/", plans_api.ApplyFixView.as_view(), name="apply-fix"),
    path(
        "weeks/<str:week>/schedule-roster/",
        plans_api.ScheduleRosterView.as_view(),
        name="schedule-roster",
    ),
    path("violations/", plans_api.ViolationsView.as_view(), name="violations"),
    # Anything else under /api/v1/ answers JSON too.
    re_path(r"^.*$", api_not_found),
]
