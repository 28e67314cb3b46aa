"""The superuser's read-only admin of the kit's model bases (``kernel.admin``'s
``TenantReadOnlyAdmin``), for a module to register its concrete models with::

    admin.site.register(Pipeline, PipelineAdmin)
    admin.site.register(LeadForm, PublicFormAdmin)
"""

from __future__ import annotations

from opsbase.kernel.admin import TenantReadOnlyAdmin

__all__ = ["PipelineAdmin", "PublicFormAdmin"]


class PipelineAdmin(TenantReadOnlyAdmin):
    """Every organization's pipelines (``kit.pipelines.PipelineBase``), read-only."""

    list_display = ["name", "tenant", "is_default"]
    list_select_related = ["tenant"]


class PublicFormAdmin(TenantReadOnlyAdmin):
    """Every organization's public forms (``kit.public_forms.PublicFormBase``), read-only."""

    list_display = ["name", "tenant", "is_active"]
    list_select_related = ["tenant"]
