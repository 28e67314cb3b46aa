from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import DispatchNote


@admin.register(DispatchNote)
class DispatchNoteAdmin(TenantReadOnlyAdmin):
    """Every organization's dispatch notes, read-only: changes go through the services."""

    list_display = ["number", "tenant", "kind", "state", "rig", "well", "date"]
    list_filter = ["tenant", "state", "kind"]
    search_fields = ["number", "carrier", "reference", "tenant__name"]
    list_select_related = ["tenant", "rig", "well"]
