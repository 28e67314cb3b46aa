"""Test-only routes: a page and an API endpoint that find SQLite busy, and a page whose
session is saved (after the view) into a busy database."""

from django.db import OperationalError
from django.http import HttpResponse
from django.urls import include, path
from rest_framework.decorators import api_view, authentication_classes, permission_classes


def busy_page(request):
    raise OperationalError("database is locked")


@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def busy_api(request):
    raise OperationalError("database is locked")


def busy_after(request):
    request.session["seen"] = True  # saved by the session middleware, after the view
    return HttpResponse("saved?")


urlpatterns = [
    path("t/busy/", busy_page),
    path("t/busy-after/", busy_after),
    path("api/v1/t/busy/", busy_api),
    path("", include("opsbase.urls")),
]

handler500 = "opsbase.web.views.server_error"
