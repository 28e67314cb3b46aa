from django.urls import path

from . import views

app_name = "roles"
urlpatterns = [
    path("", views.role_list, name="role_list"),
    path("new/", views.role_create, name="role_create"),
    path("<int:pk>/edit/", views.role_edit, name="role_edit"),
    path("<int:pk>/delete/", views.role_delete, name="role_delete"),
    path("templates/<slug:slug>/", views.role_template_apply, name="role_template_apply"),
]
