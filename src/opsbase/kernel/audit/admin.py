"""Read-only Django admin of the audit log: nothing can be added, changed or deleted."""

from __future__ import annotations

from django.contrib import admin

from opsbase.kernel.admin import ReadOnlyAdmin, TenantReadOnlyAdmin

from .models import AuditChainHead, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(TenantReadOnlyAdmin):
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


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    list_display = [
        "chain",
        "last_seq",
        "last_hash",
        "updated_at",
        "checkpoint_seq",
        "checkpoint_at",
    ]
