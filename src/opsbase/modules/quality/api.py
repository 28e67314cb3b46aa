"""NCR API: ``/api/v1/ncrs/`` (the kit's viewset over NCRS), moves as
``POST …/{id}/transition/`` with ``{"to": state}``, and dispositions recorded and applied at
once under ``POST …/{id}/dispositions/``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.kit.api import TenantModelViewSet

from .entity import INSPECTIONS, NCRS
from .selectors import disposition_data
from .serializers import (
    DispositionSerializer,
    InspectionNotesSerializer,
    InspectionSerializer,
    NcrSerializer,
    RaiseNcrSerializer,
    TransitionSerializer,
)
from .services import disposition_record, inspection_raise_ncr, ncr_move_to, ncr_transition


class NcrViewSet(TenantModelViewSet):
    """Non-conformance reports of the caller's organization."""

    entity = NCRS
    serializer_class = NcrSerializer
    example = {
        "id": 7,
        "number": "NCR-2026-0007",
        "title": "Cutter pockets out of tolerance",
        "severity": "major",
        "severity_label": "Major",
        "state": "investigating",
        "state_label": "Investigating",
        "raised_by": 4,
        "raised_by_email": "qc@acme.test",
        "drill_bit": 12,
        "drill_bit_serial": "PDC-0012",
        "work_order": None,
        "work_order_number": None,
        "quantity_inspected": "1.000",
        "quantity_nonconforming": "1.000",
        "why_1": "Pockets machined oversize",
        "containment": "Bit quarantined in the shop",
        "corrective_action": "Recalibrate the milling fixture",
        "corrective_task": 31,
        "dispositions": [],
        "created_at": "2026-01-05T09:30:00Z",
    }
    create_example = {
        "title": "Cutter pockets out of tolerance",
        "severity": "major",
        "drill_bit": 12,
        "quantity_inspected": "1",
        "quantity_nonconforming": "1",
    }
    invalid_example = {"title": ["This field is required."]}
    docs = {
        "create": {
            "summary": "Raise an NCR",
            "description": "It starts Open with the next number (`NCR-<year>-<n>`); it needs "
            "a subject: a drill bit, a work order, an item and location, or `subject_text`.",
        },
    }

    def get_serializer_class(self) -> Any:
        if self.action == "transition":
            return TransitionSerializer
        if self.action == "dispositions":
            return DispositionSerializer
        return super().get_serializer_class()

    @extend_schema(
        request=TransitionSerializer,
        summary="Move an NCR",
        description='`{"to": "closed"}` takes the transition that leads there now. A guard\'s '
        'reason ("Closing needs a disposition.") answers 400; signing off an NCR you raised '
        "answers 403 with the reason.",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Any, pk: Any = None) -> Response:
        ncr = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        values = {"reason": data["reason"]} if data.get("reason") else {}
        if data.get("to"):
            ncr_move_to(membership=request.membership, ncr=ncr, state=data["to"], **values)
        else:
            ncr_transition(
                membership=request.membership, ncr=ncr, transition=data["transition"], **values
            )
        return self._answer(ncr)

    @extend_schema(
        request=DispositionSerializer,
        summary="Record and apply a disposition",
        description="In the same transaction: use as is (an `approver` who may approve "
        "concessions), rework (a rework work order), repair (the bit to Repair), scrap (the "
        "bit scrapped, or a scrap movement of the stock), return to vendor (the stock out). "
        "A refusal of the action answers 400 or 403 and keeps nothing.",
    )
    @action(detail=True, methods=["post"])
    def dispositions(self, request: Any, pk: Any = None) -> Response:
        ncr = self.get_object()
        serializer = DispositionSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        disposition = disposition_record(
            membership=request.membership, ncr=ncr, **serializer.validated_data
        )
        return Response(disposition_data(disposition), status=status.HTTP_201_CREATED)


class InspectionViewSet(TenantModelViewSet):
    """Inspections of the caller's organization."""

    entity = INSPECTIONS
    serializer_class = InspectionSerializer
    example = {
        "id": 4,
        "number": "INS-2026-0004",
        "result": "fail",
        "result_label": "Failed",
        "form_name": "Work order final QC",
        "form_version": 9,
        "form_version_number": 2,
        "drill_bit": None,
        "work_order": 12,
        "work_order_number": "WO-2026-0012",
        "inspector": 4,
        "inspector_email": "qc@acme.test",
        "inspected_at": "2026-01-05T09:30:00Z",
        "ncr": None,
        "notes": "",
        "answers": {"thread": "pass", "torque": "31"},
        "flags": {"torque": "31 kN·m is above the maximum 27 kN·m."},
    }
    create_example = {
        "form_version": 9,
        "work_order": 12,
        "answers": {"thread": "pass", "torque": "31", "signature": "data:image/png;base64,…"},
    }
    invalid_example = {"answers.torque": ["This field is required."]}
    docs = {
        "create": {
            "summary": "Record an inspection",
            "description": "The answers are checked on the server against the form version: a "
            "missing required answer is a 400 naming `answers.<key>`; a number out of "
            "tolerance or a failed check is flagged and the inspection fails. A work order "
            "is inspected in QC; while its latest inspection is failed and no NCR raised "
            "from it has a disposition, completing it answers 409 with the reason.",
        },
        "update": {"summary": "Change an inspection's notes"},
        "partial_update": {"summary": "Change an inspection's notes"},
        "destroy": {
            "summary": "Delete an inspection recorded by mistake",
            "description": "409 once an NCR was raised from it.",
        },
    }

    def get_serializer_class_for_input(self) -> Any:
        if self.action in ("update", "partial_update"):
            return InspectionNotesSerializer
        return super().get_serializer_class_for_input()

    def get_serializer_class(self) -> Any:
        if self.action == "ncr":
            return RaiseNcrSerializer
        return super().get_serializer_class()

    @extend_schema(
        request=RaiseNcrSerializer,
        responses={201: NcrSerializer},
        summary="Raise an NCR from a failed inspection",
        description="Its subject, description (each flagged answer) and quantities come from "
        "the inspection, which links to it. 409 when the inspection passed or already has "
        "one.",
    )
    @action(detail=True, methods=["post"])
    def ncr(self, request: Any, pk: Any = None) -> Response:
        inspection = self.get_object()
        serializer = RaiseNcrSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ncr = inspection_raise_ncr(
            membership=request.membership, inspection=inspection, **serializer.validated_data
        )
        data = NcrSerializer(ncr, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)
