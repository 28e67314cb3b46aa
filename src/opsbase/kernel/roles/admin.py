from django.contrib import admin

from .models import Role


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """Superuser view across organizations (hence ``unscoped``); tenants manage roles in-app."""

    list_display = ["name", "tenant", "kind", "is_builtin", "updated_at"]
    list_filter = ["kind", "is_builtin"]
    search_fields = ["name", "slug", "tenant__name"]
    readonly_fields = ["is_builtin", "created_at", "updated_at"]
    list_select_related = ["tenant"]

    def get_queryset(self, request):
        return Role.objects.unscoped().select_related("tenant")
