from django.urls import path

from athletes import views

app_name = "athletes"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("add/", views.add, name="add"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("<int:pk>/activate/", views.activate, name="activate"),
]
