from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import FormSubmission, FormTemplate, FormVersion


@admin.register(FormTemplate)
class FormTemplateAdmin(TenantReadOnlyAdmin):
    """Every organization's form templates, read-only: they change in the app, through the
    services, so every change is checked and audited."""

    list_display = ["name", "tenant", "latest_version", "updated_at"]
    list_filter = ["tenant"]
    search_fields = ["name", "tenant__name"]
    list_select_related = ["tenant"]


@admin.register(FormVersion)
class FormVersionAdmin(TenantReadOnlyAdmin):
    list_display = ["name", "number", "tenant", "created_at"]
    list_filter = ["tenant"]
    list_select_related = ["tenant"]


@admin.register(FormSubmission)
class FormSubmissionAdmin(TenantReadOnlyAdmin):
    list_display = ["version", "result", "subject", "tenant", "created_at"]
    list_filter = ["result", "tenant"]
    list_select_related = ["tenant", "version"]
