"""The root URLs: each app's pages at their place, the API's routes under /api/v1/
(config/api_urls.py), Django's own login and admin views, and the web app's site-wide URLs last.
Every app's urls.py names only its own views."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from athletes import views as athletes_views
from web import urls as web_urls

handler500 = "web.health.server_error"

urlpatterns = [
    # Before anything: a load balancer's health checks are the most frequent request of all.
    path("", include(web_urls.health_urlpatterns)),
    # Then the API: every API call is matched against the patterns above its own, and the API's
    # clients call far more often than a coach opens a page.
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("", include("plans.urls")),
    path("", include("workouts.urls")),
    path("roster/", include("athletes.urls")),
    path("templates/", include("plan_templates.urls")),
    path("export/", include("exports.urls")),
    path("", include("notifications.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/", athletes_views.settings, name="settings"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("admin/", admin.site.urls),
    path("", include(web_urls.urlpatterns)),
]
