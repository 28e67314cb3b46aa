from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import BitRun, DrillBit


@admin.register(DrillBit)
class DrillBitAdmin(TenantReadOnlyAdmin):
    """Every organization's drill bits, read-only: they move through the services."""

    list_display = ["serial_number", "tenant", "status", "bit_type", "size", "rig", "well"]
    list_filter = ["status", "bit_type", "size", "tenant"]
    search_fields = ["serial_number", "design", "tenant__name"]
    list_select_related = ["tenant", "rig", "well"]


@admin.register(BitRun)
class BitRunAdmin(TenantReadOnlyAdmin):
    """Every organization's bit runs, read-only."""

    list_display = ["bit", "number", "tenant", "well", "depth_in", "depth_out", "hours"]
    list_filter = ["tenant"]
    list_select_related = ["tenant", "bit", "well"]
