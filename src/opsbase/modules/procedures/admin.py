from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import Acknowledgement, Procedure, ProcedureRequirement


@admin.register(Procedure)
class ProcedureAdmin(TenantReadOnlyAdmin):
    """Every organization's procedure versions, read-only: changes go through the services."""

    list_display = ["code", "version", "title", "tenant", "state"]
    list_filter = ["state", "tenant"]
    search_fields = ["code", "title", "tenant__name"]
    list_select_related = ["tenant"]
    ordering = ["code", "-version"]


@admin.register(ProcedureRequirement)
class ProcedureRequirementAdmin(TenantReadOnlyAdmin):
    list_display = ["procedure", "work_order", "operation", "tenant"]
    list_filter = ["tenant"]
    list_select_related = ["tenant", "procedure", "work_order", "operation"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(TenantReadOnlyAdmin):
    list_display = ["procedure", "member", "created_at", "tenant"]
    list_filter = ["tenant"]
    list_select_related = ["tenant", "procedure", "member__user"]
