from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import Equipment, MaintenanceOrder, MaintenancePlan


@admin.register(Equipment)
class EquipmentAdmin(TenantReadOnlyAdmin):
    """Every organization's machines, read-only: changes go through the services."""

    list_display = ["code", "name", "tenant", "hours_meter"]
    list_filter = ["tenant"]
    search_fields = ["code", "name", "tenant__name"]
    list_select_related = ["tenant"]


@admin.register(MaintenancePlan)
class MaintenancePlanAdmin(TenantReadOnlyAdmin):
    list_display = ["title", "equipment", "trigger", "interval", "next_due_date", "tenant"]
    list_filter = ["trigger", "active", "tenant"]
    search_fields = ["title", "tenant__name"]
    list_select_related = ["tenant", "equipment"]


@admin.register(MaintenanceOrder)
class MaintenanceOrderAdmin(TenantReadOnlyAdmin):
    list_display = ["plan", "due_date", "work_order", "tenant"]
    list_filter = ["tenant"]
    list_select_related = ["tenant", "plan", "work_order"]
