"""Form template API: ``/api/v1/form-templates/`` (the kit's viewset over FORM_TEMPLATES),
with ``…/{id}/publish/``, ``…/{id}/versions/``, ``…/{id}/export/``, ``…/{id}/check/`` and
``…/import/``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.kit.api import TenantModelViewSet

from .engine import evaluate
from .entity import FORM_TEMPLATES
from .selectors import formtemplate_export, version_data, version_get_for, version_list
from .serializers import AnswersSerializer, FormTemplateSerializer, ImportSerializer
from .services import formtemplate_import, formtemplate_publish


class FormTemplateViewSet(TenantModelViewSet):
    """Form templates of the caller's organization."""

    entity = FORM_TEMPLATES
    serializer_class = FormTemplateSerializer
    example = {
        "id": 3,
        "name": "Incoming bit inspection",
        "description": "",
        "latest_version": 2,
        "fields": [
            {
                "key": "gauge_od",
                "type": "number",
                "label": "Gauge OD",
                "required": True,
                "unit": "in",
                "min": "8.480",
                "max": "8.520",
            },
        ],
        "versions": [{"id": 9, "number": 2, "published_at": "2026-01-05T09:30:00Z"}],
        "created_at": "2026-01-02T09:30:00Z",
        "updated_at": "2026-01-05T09:30:00Z",
    }
    create_example = {
        "name": "Incoming bit inspection",
        "fields": [
            {"key": "visual", "type": "pass_fail", "label": "Visual check", "required": True}
        ],
    }
    invalid_example = {"fields.1.key": ["Another field already uses this key."]}
    docs = {
        "destroy": {
            "summary": "Delete a form template",
            "description": "409 once a version is published (forms were filled against it).",
        },
    }

    def get_serializer_class(self) -> Any:
        if self.action == "check":
            return AnswersSerializer
        if self.action == "import_json":
            return ImportSerializer
        return super().get_serializer_class()

    @extend_schema(request=None, summary="Publish the draft as a new version")
    @action(detail=True, methods=["post"])
    def publish(self, request: Any, pk: Any = None) -> Response:
        version = formtemplate_publish(
            membership=request.membership, formtemplate=self.get_object()
        )
        return Response(version_data(version), status=status.HTTP_201_CREATED)

    @extend_schema(summary="The published versions, with their fields")
    @action(detail=True, methods=["get"])
    def versions(self, request: Any, pk: Any = None) -> Response:
        template = self.get_object()
        return Response([version_data(v) for v in version_list(template=template)])

    @extend_schema(summary="Export the template as JSON (its draft fields)")
    @action(detail=True, methods=["get"])
    def export(self, request: Any, pk: Any = None) -> Response:
        return Response(formtemplate_export(self.get_object()))

    @extend_schema(
        request=AnswersSerializer,
        summary="Check answers (nothing is kept)",
        description="Against a published `version`, else the draft: the input `errors` "
        "(required, types), the `flags` (out of tolerance, failed) and the `result`.",
    )
    @action(detail=True, methods=["post"])
    def check(self, request: Any, pk: Any = None) -> Response:
        template = self.get_object()
        serializer = AnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = template.draft or []
        number = serializer.validated_data.get("version")
        if number:
            version = version_get_for(membership=request.membership, pk=number)
            if version.template_id == template.pk:
                fields = version.fields
        evaluation = evaluate(fields, serializer.validated_data["answers"])
        return Response(
            {
                "valid": evaluation.valid,
                "errors": evaluation.errors,
                "flags": evaluation.flags,
                "result": evaluation.result,
                "visible": evaluation.visible,
            }
        )

    @extend_schema(
        request=ImportSerializer,
        summary="Import a template from its JSON export",
        description="A new template whose draft is the export's fields (400 naming each "
        "bad field; 400 on a name already used).",
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_json(self, request: Any) -> Response:
        template = formtemplate_import(membership=request.membership, data=request.data)
        return self._answer(template, status.HTTP_201_CREATED)
