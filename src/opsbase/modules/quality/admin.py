from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import Disposition, Ncr


@admin.register(Ncr)
class NcrAdmin(TenantReadOnlyAdmin):
    """Every organization's NCRs, read-only: they change in the app, through the services,
    so every change is checked and audited."""

    list_display = ["number", "title", "tenant", "state", "severity", "created_at"]
    list_filter = ["state", "severity", "tenant"]
    search_fields = ["number", "title", "tenant__name"]
    list_select_related = ["tenant"]
    ordering = ["-created_at", "-pk"]


@admin.register(Disposition)
class DispositionAdmin(TenantReadOnlyAdmin):
    list_display = ["ncr", "kind", "quantity", "work_order", "tenant"]
    list_filter = ["kind", "tenant"]
    list_select_related = ["tenant", "ncr", "work_order"]
