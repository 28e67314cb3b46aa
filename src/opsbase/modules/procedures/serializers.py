"""JSON input of the procedures API: parsing and validation only (a version's output is
ROWS, with its rendered text, versions and acknowledgements on the detail)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.api import RecordSerializer
from opsbase.kit.markdown import render_markdown
from opsbase.modules.workorders.models import Operation, WorkOrder

from .constants import PROCEDURE_WORKFLOW, ProcedureState
from .models import Procedure
from .selectors import ROWS


class ProcedureSerializer(RecordSerializer):
    """A version of a procedure of the organization."""

    code = serializers.CharField(
        max_length=40,
        help_text=_("The document's code: a code already used adds the next version."),
    )
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, help_text=_("Markdown."))
    state = serializers.ChoiceField(
        choices=ProcedureState.choices,
        required=False,
        help_text=_("On update: moved through the workflow transition that leads there."),
    )

    class Meta:
        model = Procedure
        rows = ROWS
        extra_fields = ("body_html",)

    body_html = serializers.SerializerMethodField()

    def get_body_html(self, obj: Procedure) -> str:
        return str(render_markdown(obj.body))

    def to_representation(self, instance: Procedure) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["body_html"] = self.get_body_html(instance)
        return data


class TransitionSerializer(serializers.Serializer):
    """A move: the state to reach (``to``) or the transition's name (``transition``)."""

    to = serializers.ChoiceField(choices=ProcedureState.choices, required=False)
    transition = serializers.ChoiceField(
        choices=[(t.name, t.label) for t in PROCEDURE_WORKFLOW.transitions], required=False
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("to") and not attrs.get("transition"):
            raise serializers.ValidationError({"to": [_("Give the state to move to.")]})
        return attrs


class RequireSerializer(serializers.Serializer):
    """A work order (or one of its operations) that is to require this version."""

    work_order = TenantRelatedField(WorkOrder)
    operation = TenantRelatedField(Operation, required=False, allow_null=True)


class AttachmentSerializer(serializers.Serializer):
    file = serializers.FileField()
