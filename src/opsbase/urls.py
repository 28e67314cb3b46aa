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
    path("accounts/", include("opsbase.kernel.accounts.urls")),
    path("org/", include("opsbase.kernel.tenants.urls")),
    path("org/roles/", include("opsbase.kernel.roles.urls")),
    path("org/audit/", include("opsbase.kernel.audit.urls")),
    path("health/", include("opsbase.core.urls")),
    path("metrics", metrics, name="metrics"),
    path("api/", include("opsbase.api.urls")),
    path(setting("ADMIN_URL"), admin.site.urls),
]

# Optional modules: their pages exist only in projects that install them.
if apps.is_installed("opsbase.modules.tasks"):
    urlpatterns.append(path("tasks/", include("opsbase.modules.tasks.urls")))

handler400 = "opsbase.web.views.bad_request"
handler403 = "opsbase.web.views.permission_denied"
handler404 = "opsbase.web.views.page_not_found"
handler500 = "opsbase.web.views.server_error"
