"""Test-only API views: each raises one kind of error, or reports the bound tenant."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import include, path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from opsbase.core import exceptions as opsbase
from opsbase.core.context import current_tenant_id


class _Fields(serializers.Serializer):
    title = serializers.CharField()
    count = serializers.IntegerField(min_value=1)


RAISES = {
    "opsbase-permission": lambda: opsbase.PermissionDenied("Only the owner can close this."),
    "opsbase-notfound": lambda: opsbase.NotFound(),
    "opsbase-transition": lambda: opsbase.InvalidTransition(
        "Cannot close a draft.", extra={"allowed": ["submit"], "state": "draft"}
    ),
    "opsbase-validation": lambda: opsbase.ValidationError(
        "Title is required.", extra={"fields": {"title": ["This field is required."]}}
    ),
    "django-validation": lambda: DjangoValidationError({"due": ["Must be in the future."]}),
    "django-validation-plain": lambda: DjangoValidationError("Nothing to do."),
    "django-404": lambda: Http404("No Secret matches the given query."),
    "django-403": lambda: DjangoPermissionDenied("Nope."),
    "scope": lambda: opsbase.TenantScopeRequired("forgot the tenant"),
}


class RaiseView(APIView):
    def get(self, request, kind):
        raise RAISES[kind]()

    def post(self, request, kind):
        _Fields(data=request.data).is_valid(raise_exception=True)
        return Response({})


class TenantView(APIView):
    def get(self, request):
        return Response({"bound": current_tenant_id(), "tenant": request.tenant.pk})


urlpatterns = [
    path("api/test/raise/<slug:kind>/", RaiseView.as_view()),
    path("api/test/tenant/", TenantView.as_view()),
    path("", include("opsbase.urls")),
]
