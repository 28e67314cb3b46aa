from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import Role


@admin.register(Role)
class RoleAdmin(TenantReadOnlyAdmin):
    """Every organization's roles, read-only: an organization's Admins change them in the app
    (policy-checked and audited there)."""

    list_display = ["name", "tenant", "kind", "is_builtin", "updated_at"]
    list_filter = ["kind", "is_builtin", "tenant"]
    search_fields = ["name", "slug", "tenant__name"]
    list_select_related = ["tenant"]
