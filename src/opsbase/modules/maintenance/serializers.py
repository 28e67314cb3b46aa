"""JSON input of the maintenance API: parsing and validation only (the output is the row
specifications, a plan's generated orders on its detail)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.api import MemberField, RecordSerializer

from .constants import HOURS_DIGITS, HOURS_PLACES, Trigger
from .models import Equipment, MaintenancePlan
from .selectors import EQUIPMENT_ROWS, PLAN_ROWS, order_data, plan_orders


def _hours(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=HOURS_DIGITS, decimal_places=HOURS_PLACES, min_value=Decimal("0"), **kwargs
    )


class EquipmentSerializer(RecordSerializer):
    """A machine of the workshop."""

    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    hours_meter = _hours(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = Equipment
        rows = EQUIPMENT_ROWS


class PlanSerializer(RecordSerializer):
    """A maintenance plan, with the work orders it generated."""

    equipment = TenantRelatedField(Equipment)
    title = serializers.CharField(max_length=200)
    trigger = serializers.ChoiceField(choices=Trigger.choices, required=False)
    interval = serializers.IntegerField(min_value=1, help_text=_("Days, or hours of use."))
    next_due_date = serializers.DateField(required=False, allow_null=True)
    next_due_hours = _hours(required=False, allow_null=True)
    checklist = serializers.CharField(required=False, allow_blank=True)
    assignee = MemberField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False)

    class Meta:
        model = MaintenancePlan
        rows = PLAN_ROWS
        extra_fields = ("orders",)

    orders = serializers.SerializerMethodField()

    def get_orders(self, obj: MaintenancePlan) -> list[dict[str, Any]]:
        return [order_data(o) for o in plan_orders(plan=obj)]

    def to_representation(self, instance: MaintenancePlan) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["orders"] = self.get_orders(instance)
        return data


class HoursSerializer(serializers.Serializer):
    hours = _hours(help_text=_("The meter's reading now (it only goes forward)."))
