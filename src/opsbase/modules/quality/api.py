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

from .entity import NCRS
from .selectors import disposition_data
from .serializers import DispositionSerializer, NcrSerializer, TransitionSerializer
from .services import disposition_record, ncr_move_to, ncr_transition


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
    def transition(self, request: Any, pk: Any = None) -> Response:  # type: ignore[override]
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
