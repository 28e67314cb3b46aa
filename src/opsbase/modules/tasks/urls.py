from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list_mine, name="task_list"),
    path("all/", views.task_list_all, name="task_all"),
    path("new/", views.task_create, name="task_create"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("<int:pk>/transition/", views.task_transition, name="task_transition"),
]
