from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made in the app (where the secret is shown once), never here."""

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
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "membership__user__email", "tenant__name"]
    list_select_related = ["membership__user", "tenant"]
    raw_id_fields = ["membership", "tenant"]
    readonly_fields = [
        "prefix",
        "key_hash",
        "created_at",
        "updated_at",
        "last_used_at",
        "revoked_at",
    ]

    def get_queryset(self, request):
        # The superuser's admin deliberately sees every organization's tokens.
        return ApiToken.objects.unscoped().select_related("membership__user", "tenant")

    def has_add_permission(self, request) -> bool:
        return False
