from django.urls import path

from workouts import calendar, phone_views, views

app_name = "workouts"

urlpatterns = [
    path("athletes/<int:pk>/week/<isoweek:week>/runs/add/", views.run_add, name="run_add"),
    path("athletes/<int:pk>/runs/<int:session_pk>/", views.run_edit, name="run_edit"),
    path("athletes/<int:pk>/week/<isoweek:week>/run-files/", views.run_files, name="run_files"),
    path("athletes/<int:pk>/runs/<int:session_pk>/delete/", views.run_delete, name="run_delete"),
    path("athletes/<int:pk>/runs/<int:session_pk>/move/", views.run_move, name="run_move"),
    path(
        "athletes/<int:pk>/week/<isoweek:week>/deadlift/add/",
        views.deadlift_add,
        name="deadlift_add",
    ),
    path("athletes/<int:pk>/lifts/<int:session_pk>/", views.deadlift_edit, name="deadlift_edit"),
    path(
        "athletes/<int:pk>/lifts/<int:session_pk>/delete/",
        views.deadlift_delete,
        name="deadlift_delete",
    ),
    path("athletes/<int:pk>/lifts/<int:session_pk>/move/", views.lift_move, name="lift_move"),
    # The athlete's phone pages.
    path("me/", phone_views.today, name="phone_today"),
    path("me/week/", phone_views.week, name="phone_this_week"),
    path("me/week/<isoweek:week>/", phone_views.week, name="phone_week"),
    path("me/lifts/<int:pk>/", phone_views.lift_session, name="phone_lift"),
    path("me/lifts/<int:pk>/sets/", phone_views.log_set_view, name="phone_log_set"),
    path("me/lifts/<int:pk>/sets/<int:set_pk>/", phone_views.edit_set, name="phone_edit_set"),
    path(
        "me/lifts/<int:pk>/sets/<int:set_pk>/delete/",
        phone_views.delete_set,
        name="phone_delete_set",
    ),
    path("me/lifts/<int:pk>/done/", phone_views.lift_done, name="phone_lift_done"),
    path("me/runs/<int:pk>/", phone_views.run_session, name="phone_run"),
    path("me/runs/upload/", phone_views.upload_runs, name="phone_upload_runs"),
    path("me/history/", phone_views.history, name="phone_history"),
    # At the root so the worker's scope is the whole site.
    path("sw.js", phone_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", phone_views.manifest, name="manifest"),
    # The athlete's sessions as a calendar subscription (the token is the credential).
    path("calendar/<str:token>.ics", calendar.feed, name="calendar_feed"),
]
