"""The sessions' and sets' routes of the API, mounted under /api/v1/ by config/api_urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from workouts import api

router = SimpleRouter()
router.register("run-sessions", api.RunSessionViewSet, basename="run-session")
router.register("lift-sessions", api.LiftSessionViewSet, basename="lift-session")

urlpatterns = [
    *router.urls,
    path("lift-sessions/<int:pk>/sets/", api.LogSetView.as_view(), name="log-set"),
    path("athletes/<int:pk>/run-files/", api.RunFilesView.as_view(), name="run-files"),
    path(
        "lift-sessions/<int:pk>/sets/<int:set_pk>/",
        api.LoggedSetView.as_view(),
        name="logged-set",
    ),
]
