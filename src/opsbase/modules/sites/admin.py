from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import Rig, Well


@admin.register(Rig)
class RigAdmin(TenantReadOnlyAdmin):
    """Every organization's rigs, read-only: changes go through the services."""

    list_display = ["name", "tenant", "customer", "location"]
    list_filter = ["tenant"]
    search_fields = ["name", "location", "tenant__name"]
    list_select_related = ["tenant", "customer"]


@admin.register(Well)
class WellAdmin(TenantReadOnlyAdmin):
    """Every organization's wells, read-only: changes go through the services."""

    list_display = ["name", "tenant", "customer", "field", "depth_m"]
    list_filter = ["tenant"]
    search_fields = ["name", "field", "tenant__name"]
    list_select_related = ["tenant", "customer"]
