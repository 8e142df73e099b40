from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("roster.csv", views.roster_sessions, {"fmt": "csv"}, name="roster_csv"),
    path("roster.json", views.roster_sessions, {"fmt": "json"}, name="roster_json"),
    path("athletes/<int:pk>.csv", views.athlete_sessions, {"fmt": "csv"}, name="athlete_csv"),
    path("athletes/<int:pk>.json", views.athlete_sessions, {"fmt": "json"}, name="athlete_json"),
    path("athletes/<int:pk>/account.json", views.account, name="account"),
]
