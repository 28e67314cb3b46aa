"""JSON input of the rigs and wells API (the output is the row specs)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.api import RecordSerializer
from opsbase.modules.customers.models import Customer

from .models import FOREIGN_CUSTOMER, Rig, Well
from .selectors import RIG_ROWS, WELL_ROWS, customer_choices


class CustomerField(TenantRelatedField):
    """A customer id of the caller's organization."""

    model = Customer
    default_error_messages = {
        "does_not_exist": FOREIGN_CUSTOMER,
        "incorrect_type": _("Give the customer's id (a number)."),
    }

    def tenant_queryset(self, membership: Any) -> Any:
        return customer_choices(membership=membership)


class RigSerializer(RecordSerializer):
    """A rig of one of the organization's customers."""

    customer = CustomerField(help_text=_("Id of the customer the rig works for."))
    name = serializers.CharField(max_length=120)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Rig
        rows = RIG_ROWS


class WellSerializer(RecordSerializer):
    """A well of one of the organization's customers."""

    customer = CustomerField(help_text=_("Id of the customer who owns the well."))
    name = serializers.CharField(max_length=120)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    field = serializers.CharField(max_length=120, required=False, allow_blank=True)
    depth_m = serializers.DecimalField(
        max_digits=8,
        decimal_places=1,
        min_value=0,
        required=False,
        allow_null=True,
        help_text=_("Total depth in metres."),
    )

    class Meta:
        model = Well
        rows = WELL_ROWS
