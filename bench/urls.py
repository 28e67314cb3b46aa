from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/hello/", views.hello, name="bench_hello"),
    path("bench/drf-baseline/tasks/", views.BaselineTaskList.as_view(), name="bench_baseline"),
    path("", include("opsbase.urls")),
]
