"""Test-only views for the row-level security tests: what plain SQL sees inside a request."""

from django.db import connection
from django.http import JsonResponse
from django.urls import include, path


def raw_tenant_rows(request):
    """Counts by tenant in the membership table, read with SQL that names no tenant."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tenant_id, count(*) FROM tenants_membership GROUP BY tenant_id ORDER BY 1"
        )
        rows = cursor.fetchall()
    return JsonResponse({"rows": {str(tenant): count for tenant, count in rows}})


urlpatterns = [
    path("test/rls/raw/", raw_tenant_rows),
    path("", include("opsbase.urls")),
]
