"""Input and output of the API's own endpoints: parsing and validation only."""

from __future__ import annotations

import copy
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import ApiToken, ApiTokenStatus

MAX_EXPIRY_DAYS = 3650


class TenantRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of a row of the caller's organization.

    The id of another organization's row, and one beyond any integer column, read as "does
    not exist" (400 with the field's error): never a 404 for the whole request, never a 500.
    Give the ``model`` (class attribute or argument); override ``tenant_queryset`` when the
    choices are narrower than the organization's rows (active members, assignable roles).
    """

    model: Any = None

    def __init__(self, model: Any = None, **kwargs: Any) -> None:
        if model is not None:
            self.model = model
        super().__init__(**kwargs)

    def tenant_queryset(self, membership: Any) -> Any:
        return self.model.objects.for_tenant(membership.tenant_id)

    def get_queryset(self) -> Any:
        membership = getattr(self.context.get("request"), "membership", None)
        if membership is None:
            return self.model.objects.unscoped().none()
        return self.tenant_queryset(membership)

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except OverflowError:
            # Some drivers (SQLite's on Django 4.2) fail on an integer no column can hold.
            self.fail("does_not_exist", pk_value=data)


class FieldsBuiltOnce:
    """Mix into a ``ModelSerializer``: its fields are worked out from the model once per
    class, and every instance gets fresh copies of them (as DRF gives declared fields).

    DRF introspects the model again for every instance, which is most of the cost of a
    serializer made per request (a third of a millisecond for the task serializer here).
    The copies are what instances get either way, so nothing is shared between them.
    """

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")  # this class's own, not a parent's
        if built is None:
            built = super().get_fields()  # type: ignore[misc]  # the ModelSerializer it is mixed into
            cls._fields_built_once = built  # type: ignore[attr-defined]  # a per-class cache
        return copy.deepcopy(built)


class ExpiryDaysField(serializers.IntegerField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_EXPIRY_DAYS)
        kwargs.setdefault(
            "help_text", _("Days until the token stops working; without it, it never expires.")
        )
        super().__init__(**kwargs)


class AuthTokenSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    tenant = serializers.SlugField(help_text=_("The organization's slug."))
    name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    expires_in_days = ExpiryDaysField()


class AuthTokenIssuedSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Shown once: store it now."))
    prefix = serializers.CharField()
    tenant = serializers.SlugField()
    role = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)


class ApiTokenSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=ApiTokenStatus.choices, read_only=True)
    user = serializers.EmailField(source="membership.user.email", read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "status",
            "membership",
            "user",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
        ]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    expires_in_days = ExpiryDaysField()


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text=_("Shown once: store it now."))

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class MeUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField(source="get_full_name")


class MeTenantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField()


class MeRoleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class MeSerializer(serializers.Serializer):
    user = MeUserSerializer()
    tenant = MeTenantSerializer()
    role = MeRoleSerializer()
    membership = serializers.IntegerField(help_text=_("The id of the acting membership."))
    permissions = serializers.ListField(
        child=serializers.CharField(), help_text=_("Codenames the role grants.")
    )
    authentication = serializers.ChoiceField(choices=["token", "session"])
