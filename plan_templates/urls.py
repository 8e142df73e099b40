from django.urls import path

from plan_templates import views

app_name = "plan_templates"

urlpatterns = [
    path("", views.template_list, name="list"),
    path("new/", views.template_new, name="new"),
    path("<int:pk>/", views.template_edit, name="edit"),
    path("<int:pk>/copy/", views.template_copy, name="copy"),
    path("<int:pk>/delete/", views.template_delete, name="delete"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("from-athlete/<int:pk>/", views.save_weeks, name="save_weeks"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("applications/<int:pk>/undo/", views.undo, name="undo"),
]
