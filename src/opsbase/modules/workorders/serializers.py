"""JSON input of the work-order API: parsing and validation only (a work order's output is
WORKORDER_ROWS, with its operations and parts nested)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.api import MemberField, RecordSerializer
from opsbase.modules.customers.models import Customer
from opsbase.modules.inventory.models import Item, Location

from .constants import (
    HOURS_DIGITS,
    HOURS_PLACES,
    WORKORDER_WORKFLOW,
    WorkOrderPriority,
    WorkOrderState,
    WorkOrderType,
)
from .models import Operation, WorkOrder, WorkOrderBit, WorkOrderPart
from .selectors import (
    WORKORDER_ROWS,
    bit_list,
    operation_list,
    part_list,
    workorder_state_entered,
)


def _hours(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=HOURS_DIGITS,
        decimal_places=HOURS_PLACES,
        min_value=Decimal("0"),
        allow_null=True,
        required=False,
        **kwargs,
    )


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def operation_data(operation: Operation) -> dict[str, Any]:
    """One operation as the API answers it."""
    done_by = operation.done_by
    return {
        "id": operation.pk,
        "position": operation.position,
        "title": operation.title,
        "planned_hours": None if operation.planned_hours is None else str(operation.planned_hours),
        "actual_hours": None if operation.actual_hours is None else str(operation.actual_hours),
        "done": operation.done,
        "done_by": None if done_by is None else {"id": done_by.pk, "email": done_by.email},
        "done_at": _iso(operation.done_at),
    }


def part_data(part: WorkOrderPart) -> dict[str, Any]:
    """One part consumed, as the API answers it."""
    return {
        "id": part.pk,
        "item": part.item_id,
        "item_sku": part.item.sku,
        "item_name": part.item.name,
        "location": part.location_id,
        "location_code": part.location.code,
        "quantity": str(part.quantity),
        "movement": part.movement_id,
        "issued_by": None if part.issued_by is None else part.issued_by.email,
        "created_at": _iso(part.created_at),
    }


def bit_data(link: WorkOrderBit) -> dict[str, Any]:
    """A drill bit on the work order, as the API answers it."""
    bit = link.drillbit
    return {
        "id": bit.pk,
        "serial_number": bit.serial_number,
        "status": bit.status,
        "status_label": bit.get_status_display(),
    }


class BitSerializer(serializers.Serializer):
    """A drill bit to put on the work order."""

    drillbit = serializers.IntegerField(help_text=_("Id of a drill bit of your organization."))


class OperationSerializer(serializers.Serializer):
    """A step of a work order's checklist."""

    title = serializers.CharField(max_length=200)
    planned_hours = _hours()
    position = serializers.IntegerField(min_value=0, required=False)


class OperationChangeSerializer(serializers.Serializer):
    """A change to an operation: ``done`` and ``actual_hours`` while the order is in
    progress (the assignee or a Manager); ``title``, ``planned_hours`` and ``position`` (a
    Manager)."""

    done = serializers.BooleanField(required=False)
    actual_hours = _hours()
    title = serializers.CharField(max_length=200, required=False)
    planned_hours = _hours()
    position = serializers.IntegerField(min_value=0, required=False)


class OperationDoneSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True, help_text=_("false un-ticks it."))
    actual_hours = _hours()


class PartSerializer(serializers.Serializer):
    """Parts to issue from stock to the work order."""

    item = TenantRelatedField(Item, help_text=_("Id of an item of your organization."))
    location = TenantRelatedField(Location, help_text=_("Id of the location it comes from."))
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=Decimal("0.001"))


class TransitionSerializer(serializers.Serializer):
    """A move: the state to reach (``to``) or the transition's name (``transition``)."""

    to = serializers.ChoiceField(choices=WorkOrderState.choices, required=False)
    transition = serializers.ChoiceField(
        choices=[(t.name, t.label) for t in WORKORDER_WORKFLOW.transitions], required=False
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("to") and not attrs.get("transition"):
            raise serializers.ValidationError({"to": [_("Give the state to move to.")]})
        return attrs


class WorkOrderSerializer(RecordSerializer):
    """A work order of the organization, with its operations and the parts it consumed."""

    title = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=WorkOrderType.choices, required=False)
    state = serializers.ChoiceField(
        choices=WorkOrderState.choices,
        required=False,
        help_text=_(
            "New work orders start as `draft`. Changing it applies the workflow transition "
            "that leads there (or use `POST …/transition/`)."
        ),
    )
    customer = TenantRelatedField(
        Customer, required=False, allow_null=True, help_text=_("Id of a customer, or null.")
    )
    assignee = MemberField(
        required=False,
        allow_null=True,
        help_text=_("Membership id of an active member of your organization, or null."),
    )
    priority = serializers.ChoiceField(choices=WorkOrderPriority.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    planned_start = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    operations = OperationSerializer(
        many=True, required=False, help_text=_("The checklist, in order (on create only).")
    )

    class Meta:
        model = WorkOrder
        rows = WORKORDER_ROWS
        extra_fields = ("operations", "parts", "state_entered", "bits")

    parts = serializers.SerializerMethodField()
    bits = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text=_("The drill bits on it: id, serial number and status."),
    )
    state_entered = serializers.DictField(
        child=serializers.DateTimeField(),
        read_only=True,
        help_text=_("When it last entered each state it has been in."),
    )

    def get_parts(self, obj: WorkOrder) -> list[dict[str, Any]]:
        return [part_data(p) for p in part_list(work_order=obj)]

    def validate_state(self, value: str) -> str:
        if self.instance is None and value != WorkOrderState.DRAFT:
            raise serializers.ValidationError(
                _("A new work order starts as Draft; move it afterwards.")
            )
        return value

    def validate_operations(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.instance is not None:
            raise serializers.ValidationError(
                _("Change operations through …/operations/ of the work order.")
            )
        return [dict(v) for v in value]

    def to_representation(self, instance: WorkOrder) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["operations"] = [operation_data(o) for o in operation_list(work_order=instance)]
        data["parts"] = self.get_parts(instance)
        data["state_entered"] = workorder_state_entered(instance)
        data["bits"] = [bit_data(link) for link in bit_list(work_order=instance)]
        return data
