from django.urls import path

from workouts import views

app_name = "workouts"

urlpatterns = [
    path("athletes/<int:pk>/week/<str:week>/runs/add/", views.run_add, name="run_add"),
    path("athletes/<int:pk>/runs/<int:session_pk>/", views.run_edit, name="run_edit"),
    path("athletes/<int:pk>/runs/<int:session_pk>/delete/", views.run_delete, name="run_delete"),
    path(
        "athletes/<int:pk>/week/<str:week>/deadlift/add/",
        views.deadlift_add,
        name="deadlift_add",
    ),
    path("athletes/<int:pk>/lifts/<int:session_pk>/", views.deadlift_edit, name="deadlift_edit"),
    path(
        "athletes/<int:pk>/lifts/<int:session_pk>/delete/",
        views.deadlift_delete,
        name="deadlift_delete",
    ),
]
