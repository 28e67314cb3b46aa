"""Drill bits API: ``/api/v1/drill-bits/`` (the kit's viewset over DRILLBITS), moves by the
state to reach, and each bit's runs."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.kernel.policy import policy
from opsbase.kit.api import TenantModelViewSet
from opsbase.kit.rows import RowFormat

from .constants import RECORD_RUN
from .entity import DRILLBITS
from .selectors import BITRUN_ROWS, bitrun_list
from .serializers import BitRunSerializer, DrillBitMoveSerializer, DrillBitSerializer
from .services import bitrun_create, drillbit_move_to, drillbit_transition


class DrillBitViewSet(TenantModelViewSet):
    """Drill bits of the caller's organization."""

    entity = DRILLBITS
    serializer_class = DrillBitSerializer
    example = {
        "id": 31,
        "serial_number": "PDC-8812",
        "status": "in_field",
        "status_label": "In field",
        "bit_type": "pdc",
        "bit_type_label": "PDC (fixed cutter)",
        "size": "8-1/2",
        "size_label": "8½ in (215.9 mm)",
        "design": "MDi616",
        "iadc_code": "M323",
        "location": "Explorer I, drill floor",
        "rig": 3,
        "rig_name": "Explorer I",
        "well": 7,
        "well_name": "NW-14A",
        "state_entered_at": "2025-06-02T14:05:00Z",
        "scan_code": "Yq3c0n8dX1Wm4Jf2pR7bKA",
        "created_at": "2025-06-01T09:30:00Z",
        "updated_at": "2025-06-02T14:05:00Z",
    }
    create_example = {
        "serial_number": "PDC-8812",
        "bit_type": "pdc",
        "size": "8-1/2",
        "design": "MDi616",
        "iadc_code": "M323",
    }
    invalid_example = {
        "serial_number": ["Another drill bit of this organization has this serial number."],
        "iadc_code": ["Give an IADC code such as 517X (roller cone) or M323 (fixed cutter)."],
    }
    patch_example = {"rig": 3, "location": "Explorer I, drill floor"}

    @action(detail=True, methods=["post"])
    def transition(self, request: Any, pk: Any = None) -> Response:
        """Move the bit: ``{"to": "<state>"}`` takes the transition that leads there (or
        ``{"transition": "<name>"}``), with ``reason`` when scrapping; 400
        ``invalid_transition`` names the moves possible now."""
        bit = self.get_object()
        serializer = DrillBitMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = request.membership
        reason = data.get("reason") or ""
        if data.get("to"):
            drillbit_move_to(membership=membership, drillbit=bit, state=data["to"], reason=reason)
        else:
            drillbit_transition(
                membership=membership, drillbit=bit, transition=data["transition"], reason=reason
            )
        return self._answer(bit)

    @action(detail=True, methods=["get", "post"], serializer_class=BitRunSerializer)
    def runs(self, request: Any, pk: Any = None) -> Response:
        """The bit's runs, first first; ``POST`` records the next one."""
        bit = self.get_object()
        membership = request.membership
        if request.method == "POST":
            policy.require(membership, RECORD_RUN, bit)
            serializer = BitRunSerializer(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            run = bitrun_create(membership=membership, drillbit=bit, **serializer.validated_data)
            return Response(BitRunSerializer(run).data, status=status.HTTP_201_CREATED)
        rows = BITRUN_ROWS.rows(bitrun_list(membership=membership, drillbit=bit))
        fmt = RowFormat(BITRUN_ROWS)
        return Response([BITRUN_ROWS.api_row(row, fmt) for row in rows])


extend_schema_view(
    transition=extend_schema(
        summary="Move a drill bit",
        description='`{"to": "in_stock"}` takes the transition that leads to that state '
        "from the current one, checked against your role and audited; `reason` is kept with "
        "a scrapping. 400 `invalid_transition` names the moves possible now "
        "(`details.allowed`).",
        request=DrillBitMoveSerializer,
    ),
    runs=extend_schema(
        summary="The runs of a drill bit",
        description="GET lists them, first run first; POST records the next run (needs "
        "`drillbits.add_bitrun`).",
        request=BitRunSerializer,
        responses={200: BitRunSerializer(many=True), 201: BitRunSerializer},
    ),
)(DrillBitViewSet)
