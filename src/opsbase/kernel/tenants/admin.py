from django.contrib import admin

from .models import Invitation, Membership, Tenant


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


# Tenant-owned rows: the superuser's admin deliberately sees every organization (``unscoped``).


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "tenant", "role", "is_active", "created_at"]
    list_filter = ["is_active", "role__kind"]
    search_fields = ["user__email", "tenant__name"]
    raw_id_fields = ["user", "role", "tenant"]
    list_select_related = ["user", "tenant", "role"]

    def get_queryset(self, request):
        return Membership.objects.unscoped().select_related("user", "tenant", "role")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "tenant", "role", "expires_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "tenant__name"]
    raw_id_fields = ["tenant", "role", "invited_by", "accepted_by"]
    readonly_fields = ["token_hash", "created_at", "updated_at"]
    list_select_related = ["tenant", "role"]

    def get_queryset(self, request):
        return Invitation.objects.unscoped().select_related("tenant", "role")
