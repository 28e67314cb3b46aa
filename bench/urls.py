from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/hello/", views.hello, name="bench_hello"),
    path("", include("opsbase.urls")),
]
