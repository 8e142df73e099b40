"""The athletes' routes of the API, mounted under /api/v1/ by config/api_urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from athletes import api

router = SimpleRouter()
router.register("athletes", api.AthleteViewSet, basename="athlete")

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="token"),
    path("auth/logout/", api.LogoutView.as_view(), name="logout"),
    path("me/", api.MeView.as_view(), name="me"),
    path("ping/", api.PingView.as_view(), name="ping"),
    *router.urls,
]
