"""JSON input of the inventory API: parsing and validation only (the output is each
entity's row specification)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.api import MemberField, RecordSerializer

from .constants import QUANTITY_DIGITS, QUANTITY_PLACES, MovementKind
from .models import Item, Location, StockBalance, StockCount, StockMovement
from .selectors import BALANCE_ROWS, COUNT_ROWS, ITEM_ROWS, LOCATION_ROWS, MOVEMENT_ROWS


def _quantity(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, **kwargs
    )


class ItemSerializer(RecordSerializer):
    """An item the organization stocks."""

    sku = serializers.CharField(max_length=64, help_text=_("Unique in your organization."))
    name = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=16, required=False, help_text=_("Default `pcs`."))
    owner = MemberField(
        required=False,
        allow_null=True,
        help_text=_("Membership id of who is told when its stock runs low, or null."),
    )
    allow_negative = serializers.BooleanField(required=False)
    low_stock_threshold = _quantity(required=False, allow_null=True, min_value=Decimal("0"))

    class Meta:
        model = Item
        rows = ITEM_ROWS


class LocationSerializer(RecordSerializer):
    """A place where stock is kept."""

    code = serializers.CharField(max_length=32, help_text=_("Unique in your organization."))
    name = serializers.CharField(max_length=200)

    class Meta:
        model = Location
        rows = LOCATION_ROWS


class MovementSerializer(RecordSerializer):
    """A line of the stock ledger: posted once, never changed."""

    kind = serializers.ChoiceField(choices=MovementKind.choices)
    item = TenantRelatedField(Item, help_text=_("Id of an item of your organization."))
    from_location = TenantRelatedField(
        Location,
        required=False,
        allow_null=True,
        help_text=_("Where the stock comes from: issue, scrap, transfer, adjustment down."),
    )
    to_location = TenantRelatedField(
        Location,
        required=False,
        allow_null=True,
        help_text=_("Where the stock goes: receipt, return, transfer, adjustment up."),
    )
    quantity = _quantity(min_value=Decimal("0.001"), help_text=_("Above zero; 3 decimals."))
    effective_date = serializers.DateField(required=False, help_text=_("Default: today."))
    reference = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text=_("e.g. a work order.")
    )
    reason = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = StockMovement
        rows = MOVEMENT_ROWS


class BalanceSerializer(RecordSerializer):
    """The stock of an item at a location (read only: movements change it)."""

    class Meta:
        model = StockBalance
        rows = BALANCE_ROWS


class StockCountSerializer(RecordSerializer):
    """A cycle count of an item at a location; the adjustment it posted, if any."""

    item = TenantRelatedField(Item, help_text=_("Id of an item of your organization."))
    location = TenantRelatedField(Location, help_text=_("Id of a location of your organization."))
    counted_quantity = _quantity(min_value=Decimal("0"))
    counted_on = serializers.DateField(required=False, help_text=_("Default: today."))
    reason = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = StockCount
        rows = COUNT_ROWS
