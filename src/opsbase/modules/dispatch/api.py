"""Dispatch API: ``/api/v1/dispatches/`` (the kit's viewset over DISPATCH_NOTES), moves as
``POST …/{id}/transition/`` with ``{"to": "issued"}``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.kit.api import TenantModelViewSet

from .entity import DISPATCH_NOTES
from .serializers import DispatchMoveSerializer, DispatchNoteSerializer
from .services import dispatchnote_move_to, dispatchnote_transition


class DispatchNoteViewSet(TenantModelViewSet):
    """Dispatch notes of the caller's organization."""

    entity = DISPATCH_NOTES
    serializer_class = DispatchNoteSerializer
    example = {
        "id": 9,
        "number": "DN-2026-0009",
        "kind": "outbound",
        "kind_label": "Outbound to the field",
        "state": "issued",
        "state_label": "Issued",
        "rig": 3,
        "rig_name": "Explorer I",
        "well": 7,
        "well_name": "NW-14A",
        "date": "2026-01-12",
        "bit_count": 1,
        "carrier": "North Sea Logistics",
        "reference": "AWB 123-4567",
        "notes": "",
        "issued_at": "2026-01-12T07:30:00Z",
        "bits": [
            {
                "id": 31,
                "serial_number": "PDC-8812",
                "status": "in_field",
                "status_label": "In field",
            }
        ],
        "created_at": "2026-01-11T16:00:00Z",
        "updated_at": "2026-01-12T07:30:00Z",
    }
    create_example = {"kind": "outbound", "rig": 3, "carrier": "North Sea Logistics", "bits": [31]}
    invalid_example = {"rig": ["Choose the rig or the well the bits go to or come from."]}
    patch_example = {"reference": "AWB 123-4567"}
    docs = {
        "create": {
            "summary": "Create a dispatch note",
            "description": "It starts as `draft` with the next number (`DN-<year>-<n>`).",
        },
        "destroy": {"summary": "Delete a draft dispatch note", "description": ""},
    }

    @action(detail=True, methods=["post"])
    def transition(self, request: Any, pk: Any = None) -> Response:
        """Move the note: ``{"to": "issued"}`` takes the transition that leads there (or
        ``{"transition": "issue"}``)."""
        note = self.get_object()
        serializer = DispatchMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = request.membership
        if data.get("to"):
            dispatchnote_move_to(membership=membership, dispatchnote=note, state=data["to"])
        else:
            dispatchnote_transition(
                membership=membership, dispatchnote=note, transition=data["transition"]
            )
        return self._answer(note)


extend_schema_view(
    transition=extend_schema(
        summary="Move a dispatch note",
        description='`{"to": "issued"}` issues a draft note: an outbound note sends its '
        "bits to the field, a return note brings them back to Returned, in the same "
        "transaction. A bit that cannot make the move answers 400 naming it (`bits`); a note "
        'without bits is refused ("Add at least one drill bit."). `{"to": "cancelled"}` '
        "cancels a draft.",
        request=DispatchMoveSerializer,
    ),
)(DispatchNoteViewSet)
