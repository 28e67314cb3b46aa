"""Maintenance API: ``/api/v1/equipment/`` (with ``POST …/{id}/hours/`` for a meter reading)
and ``/api/v1/maintenance-plans/`` (each with the work orders it generated)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.kit.api import TenantModelViewSet

from .entity import EQUIPMENT, PLANS
from .serializers import EquipmentSerializer, HoursSerializer, PlanSerializer
from .services import equipment_record_hours


class EquipmentViewSet(TenantModelViewSet):
    """The workshop's machines."""

    entity = EQUIPMENT
    serializer_class = EquipmentSerializer
    example = {
        "id": 3,
        "code": "LATHE-01",
        "name": "CNC lathe",
        "location": "Bay 2",
        "hours_meter": "1520.5",
        "notes": "",
    }
    create_example = {"code": "LATHE-01", "name": "CNC lathe", "location": "Bay 2"}
    patch_example = {"location": "Bay 3"}
    invalid_example = {"code": ["This field is required."]}

    def get_serializer_class(self) -> Any:
        if self.action == "hours":
            return HoursSerializer
        return super().get_serializer_class()

    @extend_schema(
        request=HoursSerializer,
        summary="Record the hours meter",
        description="A reading lower than the last one answers 400.",
    )
    @action(detail=True, methods=["post"])
    def hours(self, request: Any, pk: Any = None) -> Response:
        equipment = self.get_object()
        serializer = HoursSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        equipment_record_hours(
            membership=request.membership,
            equipment=equipment,
            hours=serializer.validated_data["hours"],
        )
        return self._answer(equipment)


class MaintenancePlanViewSet(TenantModelViewSet):
    """Maintenance plans of the workshop's machines."""

    entity = PLANS
    serializer_class = PlanSerializer
    example = {
        "id": 5,
        "title": "Spindle lubrication",
        "equipment": 3,
        "equipment_code": "LATHE-01",
        "trigger": "days",
        "trigger_label": "Every N days",
        "interval": 30,
        "next_due_date": "2026-02-01",
        "next_due_hours": None,
        "assignee": 4,
        "checklist": "Drain the old oil\nRefill to the mark",
        "orders": [
            {
                "id": 1,
                "due_date": "2026-01-02",
                "due_hours": None,
                "work_order": 41,
                "work_order_number": "WO-2026-0041",
                "work_order_state": "completed",
            }
        ],
    }
    create_example = {
        "title": "Spindle lubrication",
        "equipment": 3,
        "trigger": "days",
        "interval": 30,
        "next_due_date": "2026-02-01",
    }
    patch_example = {"interval": 45}
    invalid_example = {"interval": ["Ensure this value is greater than or equal to 1."]}
