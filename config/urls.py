from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from plans import views as plan_views
from web import health
from web.api import api_not_found
from workouts import calendar

handler500 = "web.health.server_error"

# Swagger UI sets style attributes as it renders; its scripts still come only from the app
# (the split view serves its start-up script as a file, not inline).
API_DOCS = csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", plan_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("roster/", include("athletes.urls")),
    path("", include("plans.urls")),
    path("", include("workouts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", API_DOCS, name="api-docs"),
    re_path(r"^api/", api_not_found),
    path("calendar/<str:token>.ics", calendar.feed, name="calendar-feed"),
]
