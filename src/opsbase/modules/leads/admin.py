from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import Lead, LeadForm, Pipeline


@admin.register(Lead)
class LeadAdmin(TenantReadOnlyAdmin):
    """Every organization's leads, read-only: leads change through the services (audited)."""

    list_display = ["name", "company", "tenant", "stage", "source", "score"]
    list_filter = ["source", "tenant"]
    search_fields = ["name", "company", "email"]
    list_select_related = ["tenant", "stage"]


@admin.register(Pipeline)
class PipelineAdmin(TenantReadOnlyAdmin):
    list_display = ["name", "tenant", "is_default"]
    list_select_related = ["tenant"]


@admin.register(LeadForm)
class LeadFormAdmin(TenantReadOnlyAdmin):
    list_display = ["name", "tenant", "is_active"]
    list_select_related = ["tenant"]
