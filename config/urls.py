from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import health
from config.api import api_not_found
from plans import views as plan_views
from workouts import calendar

handler500 = "config.health.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", plan_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("roster/", include("athletes.urls")),
    path("", include("plans.urls")),
    path("", include("workouts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", api_not_found),
    path("calendar/<str:token>.ics", calendar.feed, name="calendar-feed"),
]
