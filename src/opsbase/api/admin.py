from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(TenantReadOnlyAdmin):
    """Every organization's tokens, read-only: tokens are made (the secret shown once) and
    revoked in the app, audited there."""

    list_display = [
        "name",
        "prefix",
        "membership",
        "tenant",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at", "tenant"]
    search_fields = ["name", "prefix", "membership__user__email", "tenant__name"]
    list_select_related = ["membership__user", "membership__tenant", "tenant"]
    exclude = ["key_hash"]
