"""The notification pages, mounted at ``/notifications/`` by the library's URLconf."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_page, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("preferences/", views.preferences, name="preferences"),
]
