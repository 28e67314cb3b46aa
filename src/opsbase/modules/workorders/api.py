"""Work-order API: ``/api/v1/work-orders/`` (the kit's viewset over WORK_ORDERS), moves as
``POST …/{id}/transition/`` with ``{"to": state}``, the checklist under ``…/operations/`` and
parts issued from stock under ``…/parts/``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.kit.api import TenantModelViewSet

from .entity import WORK_ORDERS
from .selectors import operation_get_for
from .serializers import (
    BitSerializer,
    OperationChangeSerializer,
    OperationDoneSerializer,
    OperationSerializer,
    PartSerializer,
    TransitionSerializer,
    WorkOrderSerializer,
    bit_data,
    operation_data,
    part_data,
)
from .services import (
    bit_add,
    bit_remove,
    operation_add,
    operation_delete,
    operation_update,
    part_issue,
    workorder_move_to,
    workorder_transition,
)


class WorkOrderViewSet(TenantModelViewSet):
    """Work orders of the caller's organization."""

    entity = WORK_ORDERS
    serializer_class = WorkOrderSerializer
    example = {
        "id": 42,
        "number": "WO-2026-0042",
        "title": 'Repair 8½" PDC bit',
        "type": "repair",
        "type_label": "Repair",
        "state": "in_progress",
        "state_label": "In progress",
        "priority": "high",
        "customer": 3,
        "customer_name": "North Sea Drilling",
        "assignee": 7,
        "assignee_email": "tech@acme.test",
        "planned_start": "2026-01-12",
        "due_date": "2026-01-16",
        "is_overdue": False,
        "progress": 50,
        "notes": "",
        "state_entered": {
            "draft": "2026-01-05T09:30:00+00:00",
            "in_progress": "2026-01-12T07:02:00+00:00",
        },
        "completed_at": None,
        "created_at": "2026-01-05T09:30:00Z",
        "updated_at": "2026-01-12T07:02:00Z",
    }
    create_example = {
        "title": 'Repair 8½" PDC bit',
        "type": "repair",
        "customer": 3,
        "assignee": 7,
        "priority": "high",
        "due_date": "2026-01-16",
        "operations": [
            {"title": "Clean and inspect", "planned_hours": "1.5"},
            {"title": "Replace cutters", "planned_hours": "4"},
        ],
    }
    invalid_example = {"title": ["This field is required."]}
    docs = {
        "list": {
            "description": "Work orders you may see: an Admin, Manager or Production Manager "
            "every one of the organization, others those assigned to them."
        },
        "create": {
            "summary": "Create a work order",
            "description": "It starts as `draft` with the next number (`WO-<year>-<n>`).",
        },
        "destroy": {"summary": "Delete a draft work order", "description": ""},
    }

    def get_serializer_class(self) -> Any:
        if self.action == "transition":
            return TransitionSerializer
        return super().get_serializer_class()

    @extend_schema(
        request=TransitionSerializer,
        summary="Move a work order",
        description='`{"to": "in_progress"}` takes the transition that leads there now '
        '(`{"transition": "start"}` names it); a guard\'s reason ("QC needs every operation '
        'done.") or a state not reachable now answers 400 with the moves possible.',
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Any, pk: Any = None) -> Response:
        work_order = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        values = {"reason": data["reason"]} if data.get("reason") else {}
        membership = request.membership
        if data.get("to"):
            workorder_move_to(
                membership=membership, workorder=work_order, state=data["to"], **values
            )
        else:
            workorder_transition(
                membership=membership,
                workorder=work_order,
                transition=data["transition"],
                **values,
            )
        return self._answer(work_order)

    @extend_schema(request=OperationSerializer, summary="Add an operation to the checklist")
    @action(detail=True, methods=["post"], url_path="operations")
    def operations(self, request: Any, pk: Any = None) -> Response:
        work_order = self.get_object()
        serializer = OperationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        operation = operation_add(
            membership=request.membership, work_order=work_order, **serializer.validated_data
        )
        return Response(operation_data(operation), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OperationChangeSerializer,
        summary="Change or remove an operation",
        description="`done` and `actual_hours` while the order is in progress; `title`, "
        "`planned_hours` and `position` for who plans it. DELETE removes it.",
    )
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"operations/(?P<operation_pk>\d+)",
    )
    def operation(self, request: Any, pk: Any = None, operation_pk: Any = None) -> Response:
        work_order = self.get_object()
        operation = operation_get_for(work_order=work_order, pk=operation_pk)
        if request.method == "DELETE":
            operation_delete(
                membership=request.membership, work_order=work_order, operation=operation
            )
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = OperationChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        operation_update(
            membership=request.membership,
            work_order=work_order,
            operation=operation,
            **serializer.validated_data,
        )
        return Response(operation_data(operation))

    @extend_schema(request=OperationDoneSerializer, summary="Tick an operation done (or not)")
    @action(
        detail=True,
        methods=["post"],
        url_path=r"operations/(?P<operation_pk>\d+)/done",
    )
    def operation_done(self, request: Any, pk: Any = None, operation_pk: Any = None) -> Response:
        work_order = self.get_object()
        operation = operation_get_for(work_order=work_order, pk=operation_pk)
        serializer = OperationDoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if v is not None}
        operation_update(
            membership=request.membership, work_order=work_order, operation=operation, **changes
        )
        return Response(operation_data(operation))

    @extend_schema(
        request=BitSerializer,
        summary="Put a drill bit on the work order",
        description="A repair order takes a bit returned from the field or in repair; a bit "
        "is on one open work order at a time. Starting a repair order sends its returned bits "
        "to repair; completing it puts them back in stock, in the same transaction.",
    )
    @action(detail=True, methods=["post"], url_path="bits")
    def bits(self, request: Any, pk: Any = None) -> Response:
        work_order = self.get_object()
        serializer = BitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = bit_add(
            membership=request.membership,
            work_order=work_order,
            drillbit=serializer.validated_data["drillbit"],
        )
        return Response(bit_data(link), status=status.HTTP_201_CREATED)

    @extend_schema(summary="Take a drill bit off the work order", request=None)
    @action(detail=True, methods=["delete"], url_path=r"bits/(?P<bit_pk>\d+)")
    def bit(self, request: Any, pk: Any = None, bit_pk: Any = None) -> Response:
        work_order = self.get_object()
        bit_remove(membership=request.membership, work_order=work_order, drillbit=int(bit_pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=PartSerializer,
        summary="Issue parts from stock to the work order",
        description="Posts an issue to the stock ledger in the same transaction; not enough "
        "stock answers 400 naming the quantity available.",
    )
    @action(detail=True, methods=["post"], url_path="parts")
    def parts(self, request: Any, pk: Any = None) -> Response:
        work_order = self.get_object()
        serializer = PartSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        part = part_issue(
            membership=request.membership, work_order=work_order, **serializer.validated_data
        )
        return Response(part_data(part), status=status.HTTP_201_CREATED)
