"""Organizations, memberships and invitations in the Django admin.

A superuser may rename an organization or switch it off, through ``tenant_staff_update``
(audited in the organization's chain). Organizations are made by signing up (or
``tenant_create``), never here; memberships and invitations change inside the organization,
by its Admins, so the admin shows them read-only across every organization.
"""

from django.contrib import admin

from opsbase.kernel.admin import ServiceAdminMixin, TenantReadOnlyAdmin

from .models import Invitation, Membership, Tenant
from .services import tenant_staff_update


@admin.register(Tenant)
class TenantAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "is_active", "created_at", "updated_at"]
    readonly_fields = ["slug", "created_at", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False  # an organization needs its first Admin: tenant_create

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # switch it off instead (is_active); its history stays

    def save_model(self, request, obj, form, change) -> None:
        tenant_staff_update(
            actor=request.user,
            tenant=obj,
            name=form.cleaned_data["name"],
            is_active=form.cleaned_data["is_active"],
        )


@admin.register(Membership)
class MembershipAdmin(TenantReadOnlyAdmin):
    list_display = ["user", "tenant", "role", "is_active", "created_at"]
    list_filter = ["is_active", "role__kind", "tenant"]
    search_fields = ["user__email", "tenant__name"]
    list_select_related = ["user", "tenant", "role"]


@admin.register(Invitation)
class InvitationAdmin(TenantReadOnlyAdmin):
    list_display = ["email", "tenant", "role", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["tenant", "role"]
    search_fields = ["email", "tenant__name"]
    exclude = ["token_hash"]
    list_select_related = ["tenant", "role"]
