"""The library's URLconf.

A project includes it at its root: ``path("", include("opsbase.urls"))``.
"""

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from opsbase.conf import setting
from opsbase.core.observability import metrics

urlpatterns = [
    path("", include("opsbase.web.urls")),
    path("accounts/", include("opsbase.apps.accounts.urls")),
    path("org/", include("opsbase.apps.tenants.urls")),
    path("org/roles/", include("opsbase.apps.roles.urls")),
    path("org/audit/", include("opsbase.apps.audit.urls")),
    path("health/", include("opsbase.core.urls")),
    path("metrics", metrics, name="metrics"),
    path("api/", include("opsbase.api.urls")),
    path(setting("ADMIN_URL"), admin.site.urls),
]

# Optional modules: their pages exist only in projects that install them.
if apps.is_installed("opsbase.apps.tasks"):
    urlpatterns.append(path("tasks/", include("opsbase.apps.tasks.urls")))

handler400 = "opsbase.web.views.bad_request"
handler403 = "opsbase.web.views.permission_denied"
handler404 = "opsbase.web.views.page_not_found"
handler500 = "opsbase.web.views.server_error"
