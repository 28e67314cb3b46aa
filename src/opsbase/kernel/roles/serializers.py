"""Input and output of the roles API: parsing and field validation only."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.kernel.policy import policy

from .models import Role


class RoleSerializer(serializers.ModelSerializer):
    permissions = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    member_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Role
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "description",
            "permissions",
            "is_builtin",
            "member_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["slug", "kind", "is_builtin", "created_at", "updated_at"]
        # Uniqueness per tenant is checked by the service (with a clear message).
        validators: list = []
        extra_kwargs = {"name": {"validators": []}, "description": {"required": False}}

    def validate_permissions(self, value: list[str]) -> list[str]:
        known = set(policy.codenames())
        unknown = sorted({c for c in value if c not in known})
        if unknown:
            raise serializers.ValidationError(f"Unknown permission: {', '.join(unknown)}.")
        return value


class RoleFromTemplateSerializer(serializers.Serializer):
    template = serializers.SlugField(help_text="The slug of a role template.")
    name = serializers.CharField(max_length=80, required=False, allow_blank=True)

    def validate_template(self, value: str) -> str:
        # A field of the body, so an unknown one is invalid input (400), not a missing page.
        if not any(t["slug"] == value for t in policy.templates()):
            raise serializers.ValidationError(
                _("There is no role template %(slug)s.") % {"slug": value}
            )
        return value


class RoleTemplateSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    permissions = serializers.ListField(child=serializers.CharField())
