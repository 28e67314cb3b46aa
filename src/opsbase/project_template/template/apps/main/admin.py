"""Django admin registrations of the project's own models.

The admin answers at `settings.OPSBASE_ADMIN_URL`, never at `/admin/`.
"""

from django.contrib import admin  # noqa: F401 - used by the registrations written here
