"""The library's URLconf.

A project includes it at its root: ``path("", include("opsbase.urls"))``.
"""

from django.contrib import admin
from django.urls import include, path

from opsbase.conf import setting
from opsbase.core.observability import metrics
from opsbase.kernel.modules import module_page_urls

urlpatterns = [
    path("", include("opsbase.web.urls")),
    path("accounts/", include("opsbase.kernel.accounts.urls")),
    path("org/", include("opsbase.kernel.tenants.urls")),
    path("org/roles/", include("opsbase.kernel.roles.urls")),
    path("org/audit/", include("opsbase.kernel.audit.urls")),
    path("notifications/", include("opsbase.kit.notifications.urls")),
    path("email/", include("opsbase.services.email.urls")),
    path("health/", include("opsbase.core.urls")),
    path("metrics", metrics, name="metrics"),
    path("api/", include("opsbase.api.urls")),
    path(setting("ADMIN_URL"), admin.site.urls),
    # Each installed module's pages, under its URL prefix (ModuleConfig).
    *module_page_urls(),
]

handler400 = "opsbase.web.views.bad_request"
handler403 = "opsbase.web.views.permission_denied"
handler404 = "opsbase.web.views.page_not_found"
handler500 = "opsbase.web.views.server_error"
