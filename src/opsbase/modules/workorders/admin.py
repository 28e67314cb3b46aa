from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import Operation, WorkOrder, WorkOrderBit, WorkOrderPart


@admin.register(WorkOrder)
class WorkOrderAdmin(TenantReadOnlyAdmin):
    """Every organization's work orders, read-only: they change in the app, through the
    services, so every change is checked and audited."""

    list_display = ["number", "title", "tenant", "state", "priority", "due_date", "progress"]
    list_filter = ["state", "type", "priority", "tenant"]
    search_fields = ["number", "title", "tenant__name"]
    list_select_related = ["tenant"]
    ordering = ["-created_at", "-pk"]


@admin.register(Operation)
class OperationAdmin(TenantReadOnlyAdmin):
    list_display = ["title", "work_order", "tenant", "position", "done"]
    list_filter = ["done", "tenant"]
    list_select_related = ["tenant", "work_order"]


@admin.register(WorkOrderPart)
class WorkOrderPartAdmin(TenantReadOnlyAdmin):
    list_display = ["work_order", "item", "location", "quantity", "tenant"]
    list_filter = ["tenant"]
    list_select_related = ["tenant", "work_order", "item", "location"]


@admin.register(WorkOrderBit)
class WorkOrderBitAdmin(TenantReadOnlyAdmin):
    list_display = ["work_order", "drillbit", "tenant"]
    list_filter = ["tenant"]
    list_select_related = ["tenant", "work_order", "drillbit"]
