from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/hello/", views.hello, name="bench_hello"),
    path("bench/drf-baseline/tasks/", views.BaselineTaskList.as_view(), name="bench_baseline"),
    path("bench/drf-baseline/tasks/new/", views.BaselineTaskCreate.as_view(), name="bench_create"),
    path(
        "bench/drf-baseline/tasks/<int:pk>/",
        views.BaselineTaskUpdate.as_view(),
        name="bench_update",
    ),
    path("", include("opsbase.urls")),
]
