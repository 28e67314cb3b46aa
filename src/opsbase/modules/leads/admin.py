from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin
from opsbase.kit.admin_bases import PipelineAdmin, PublicFormAdmin

from .models import Lead, LeadForm, Pipeline


@admin.register(Lead)
class LeadAdmin(TenantReadOnlyAdmin):
    """Every organization's leads, read-only: leads change through the services (audited)."""

    list_display = ["name", "company", "tenant", "stage", "source", "score"]
    list_filter = ["source", "tenant"]
    search_fields = ["name", "company", "email"]
    list_select_related = ["tenant", "stage"]


# Pipelines and web forms: the kit's read-only admin of its bases.
admin.site.register(Pipeline, PipelineAdmin)
admin.site.register(LeadForm, PublicFormAdmin)
