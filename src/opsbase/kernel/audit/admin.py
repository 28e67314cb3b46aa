"""Read-only Django admin of the audit log: nothing can be added, changed or deleted."""

from __future__ import annotations

from django.contrib import admin

from .models import AuditChainHead, AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        return {}


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "tenant",
        "seq",
        "actor_label",
        "action",
        "target_type",
        "target_label",
        "ip",
    ]
    list_filter = ["action", "target_type"]
    search_fields = ["target_label", "actor_label", "request_id", "target_id"]
    date_hierarchy = "created_at"
    list_select_related = ["tenant"]
    show_full_result_count = False

    def get_queryset(self, request):
        # The superuser's admin is deliberately cross-tenant.
        return AuditEvent.objects.unscoped().select_related("tenant")


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    list_display = ["chain", "last_seq", "last_hash", "updated_at"]
