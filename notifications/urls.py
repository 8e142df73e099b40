from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("settings/email/", views.email_settings, name="settings"),
    # The token is the proof: csrf-exempt, no login (see views.unsubscribe).
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
