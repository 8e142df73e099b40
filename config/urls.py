from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from plans import views as plan_views

urlpatterns = [
    path("", plan_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("roster/", include("athletes.urls")),
    path("", include("plans.urls")),
    path("", include("workouts.urls")),
    path("admin/", admin.site.urls),
]
