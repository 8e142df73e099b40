from django.urls import path

from plans import views
from plans.ahead import ahead_athlete, ahead_roster

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/schedule/", views.schedule_roster, name="schedule_roster"),
    path("dashboard/publish/", views.publish_drafts, name="publish_drafts"),
    path("ahead/", ahead_roster, name="ahead_roster"),
    path("athletes/<int:pk>/season/", ahead_athlete, name="ahead_athlete"),
    path("athletes/<int:pk>/week/", views.athlete_current_week, name="athlete_current_week"),
    path("athletes/<int:pk>/week/<isoweek:week>/", views.athlete_week, name="athlete_week"),
    path("athletes/<int:pk>/week/<isoweek:week>/fix/", views.apply_fix, name="apply_fix"),
    path(
        "athletes/<int:pk>/week/<isoweek:week>/schedule/",
        views.schedule_deadlift,
        name="schedule_deadlift",
    ),
    path("athletes/<int:pk>/week/<isoweek:week>/copy-runs/", views.copy_runs, name="copy_runs"),
    path("athletes/<int:pk>/week/<isoweek:week>/publish/", views.publish, name="publish"),
    path("athletes/<int:pk>/week/<isoweek:week>/note/", views.save_note, name="save_note"),
    path("athletes/<int:pk>/progress/", views.progress, name="progress"),
]
