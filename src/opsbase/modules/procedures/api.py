"""Procedures API: ``/api/v1/procedures/`` (the kit's viewset over PROCEDURES), moves as
``POST …/{id}/transition/``, a new version, the attachment, acknowledgement, and the work
orders that require a version."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from opsbase.kit.api import TenantModelViewSet

from .entity import PROCEDURES
from .selectors import requirement_data
from .serializers import (
    AttachmentSerializer,
    ProcedureSerializer,
    RequireSerializer,
    TransitionSerializer,
)
from .services import (
    procedure_acknowledge,
    procedure_move_to,
    procedure_new_version,
    procedure_require,
    procedure_transition,
    procedure_update,
)


class ProcedureViewSet(TenantModelViewSet):
    """Procedure versions of the caller's organization."""

    entity = PROCEDURES
    serializer_class = ProcedureSerializer
    example = {
        "id": 3,
        "code": "SOP-014",
        "version": 2,
        "title": "Brazing PDC cutters",
        "state": "approved",
        "state_label": "Approved",
        "author": 4,
        "author_email": "lead@acme.test",
        "approved_by": 2,
        "approved_by_email": "manager@acme.test",
        "approved_at": "2026-01-05T09:30:00Z",
        "body": "## Before you start\n\n- Preheat the bit body to 650 °C.",
        "body_html": "<h2>Before you start</h2>\n<ul>\n<li>Preheat the bit body to 650 °C."
        "</li>\n</ul>\n",
        "attachment": None,
    }
    create_example = {"code": "SOP-014", "title": "Brazing PDC cutters", "body": "## Steps"}
    patch_example = {"body": "## Steps\n\n1. Clean the pocket."}
    invalid_example = {"title": ["This field is required."]}
    docs = {
        "create": {
            "summary": "Write a procedure version",
            "description": "A Draft version of the document `code`: version 1, or the next "
            "version when the code has versions already.",
        },
    }

    def get_serializer_class(self) -> Any:
        return {
            "transition": TransitionSerializer,
            "require": RequireSerializer,
            "attachment": AttachmentSerializer,
        }.get(self.action) or super().get_serializer_class()

    @extend_schema(
        request=TransitionSerializer,
        summary="Move a procedure version",
        description='`{"to": "approved"}` or `{"transition": "approve"}`. Approving supersedes '
        "the approved version of the same code in the same transaction; approving a version "
        "you wrote answers 403 with the reason.",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Any, pk: Any = None) -> Response:
        procedure = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        values = {"reason": data["reason"]} if data.get("reason") else {}
        membership = request.membership
        if data.get("to"):
            procedure_move_to(
                membership=membership, procedure=procedure, state=data["to"], **values
            )
        else:
            procedure_transition(
                membership=membership, procedure=procedure, transition=data["transition"], **values
            )
        return self._answer(procedure)

    @extend_schema(request=None, summary="Write the next version (a Draft copy)")
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request: Any, pk: Any = None) -> Response:
        copy = procedure_new_version(membership=request.membership, procedure=self.get_object())
        return self._answer(copy, status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": AttachmentSerializer},
        summary="Attach a file to a draft version",
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachment(self, request: Any, pk: Any = None) -> Response:
        procedure = self.get_object()
        serializer = AttachmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        procedure_update(
            membership=request.membership,
            procedure=procedure,
            attachment=serializer.validated_data["file"],
        )
        return self._answer(procedure)

    @extend_schema(request=None, summary="Acknowledge having read an approved version")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Any, pk: Any = None) -> Response:
        procedure = self.get_object()
        ack = procedure_acknowledge(membership=request.membership, procedure=procedure)
        return Response(
            {"procedure": procedure.pk, "member": ack.member_id, "acknowledged_at": ack.created_at},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=RequireSerializer,
        summary="Require this approved version on a work order (or one of its operations)",
        description="Whoever does the work acknowledges it before the work order starts; "
        "until then starting it answers 409 naming the procedure.",
    )
    @action(detail=True, methods=["post"])
    def require(self, request: Any, pk: Any = None) -> Response:
        procedure = self.get_object()
        serializer = RequireSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        requirement = procedure_require(
            membership=request.membership,
            procedure=procedure,
            work_order=data["work_order"],
            operation=data.get("operation"),
        )
        return Response(requirement_data(requirement), status=status.HTTP_201_CREATED)
