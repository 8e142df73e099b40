from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import health
from plans import views as plan_views

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
]
