"""Input and output of the memberships and invitations API: parsing and validation only."""

from __future__ import annotations

from rest_framework import serializers

from opsbase.api.serializers import TenantRelatedField
from opsbase.kernel.roles.models import Role
from opsbase.kernel.roles.selectors import role_options

from .models import Invitation, Membership


class _TenantRoleField(TenantRelatedField):
    """A role id of the caller's organization (any other id is "does not exist")."""

    model = Role

    def tenant_queryset(self, membership):
        return role_options(membership=membership)


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)


class MembershipSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer(read_only=True)
    role = _TenantRoleField()
    role_name = serializers.CharField(source="role.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "role_name", "is_active", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class InvitationSerializer(serializers.ModelSerializer):
    role = _TenantRoleField()
    role_name = serializers.CharField(source="role.name", read_only=True)
    status = serializers.CharField(read_only=True)
    invited_by = serializers.EmailField(
        source="invited_by.email", read_only=True, default=None, allow_null=True
    )
    accepted_by = serializers.EmailField(
        source="accepted_by.email", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "role_name",
            "status",
            "invited_by",
            "expires_at",
            "accepted_at",
            "accepted_by",
            "revoked_at",
            "created_at",
        ]
        read_only_fields = ["expires_at", "accepted_at", "revoked_at", "created_at"]
        # One open invitation per address is checked by the service, with a clear message.
        validators: list = []
