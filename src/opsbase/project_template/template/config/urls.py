"""URLs of the project.

The project's own pages come first, so its home page answers at `/`; everything else is
OpsBase's: sign-in, organization, roles, audit, `/health/`, `/api/` (with the docs at
`/api/docs/`) and the Django admin at `settings.OPSBASE_ADMIN_URL` (a random path chosen when
the project was created, never `/admin/`).
"""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.main.urls")),
    path("", include("opsbase.urls")),
]

handler400 = "opsbase.web.views.bad_request"
handler403 = "opsbase.web.views.permission_denied"
handler404 = "opsbase.web.views.page_not_found"
handler500 = "opsbase.web.views.server_error"
