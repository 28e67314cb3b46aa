from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/charts/<slug:key>.csv", views.chart_csv, name="chart_csv"),
]
