from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import Customer


@admin.register(Customer)
class CustomerAdmin(TenantReadOnlyAdmin):
    """Every organization's customers, read-only: changes go through the services."""

    list_display = ["name", "tenant", "email", "currency"]
    list_filter = ["tenant"]
    search_fields = ["name", "email", "tenant__name"]
