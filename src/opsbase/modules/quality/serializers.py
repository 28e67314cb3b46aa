"""JSON input of the NCR API: parsing and validation only (an NCR's output is NCR_ROWS, with
its dispositions on the detail)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.api import MemberField, RecordSerializer
from opsbase.modules.checklists.models import FormVersion
from opsbase.modules.checklists.selectors import submission_data
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.inventory.models import Item, Location
from opsbase.modules.workorders.models import WorkOrder

from .constants import (
    NCR_WORKFLOW,
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    DispositionKind,
    InspectionResult,
    NcrState,
    Severity,
)
from .models import Inspection, Ncr
from .selectors import INSPECTION_ROWS, NCR_ROWS, disposition_data, disposition_list


def _quantity(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        min_value=Decimal("0"),
        **kwargs,
    )


def _text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


class NcrSerializer(RecordSerializer):
    """A non-conformance report of the organization, with its dispositions."""

    title = serializers.CharField(max_length=200)
    description = _text()
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    state = serializers.ChoiceField(
        choices=NcrState.choices,
        required=False,
        help_text=_("On update: moved through the workflow transition that leads there."),
    )
    drill_bit = TenantRelatedField(DrillBit, required=False, allow_null=True)
    work_order = TenantRelatedField(WorkOrder, required=False, allow_null=True)
    item = TenantRelatedField(Item, required=False, allow_null=True)
    location = TenantRelatedField(Location, required=False, allow_null=True)
    subject_text = _text(max_length=200)
    quantity_inspected = _quantity(required=False)
    quantity_nonconforming = _quantity(required=False)
    why_1 = _text()
    why_2 = _text()
    why_3 = _text()
    why_4 = _text()
    why_5 = _text()
    containment = _text()
    corrective_action = _text(
        help_text=_("Written once, it becomes a task linked to the NCR (corrective_task).")
    )

    class Meta:
        model = Ncr
        rows = NCR_ROWS
        extra_fields = ("dispositions",)

    dispositions = serializers.SerializerMethodField()

    def get_dispositions(self, obj: Ncr) -> list[dict[str, Any]]:
        return [disposition_data(d) for d in disposition_list(ncr=obj)]

    def to_representation(self, instance: Ncr) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["dispositions"] = self.get_dispositions(instance)
        return data


class DispositionSerializer(serializers.Serializer):
    """A disposition to record and apply."""

    kind = serializers.ChoiceField(choices=DispositionKind.choices)
    quantity = _quantity(
        required=False,
        allow_null=True,
        help_text=_("Scrap or return of stock: how many (default: the non-conforming quantity)."),
    )
    notes = _text()
    approver = MemberField(
        required=False,
        allow_null=True,
        help_text=_("Use as is: the member who approves the concession."),
    )


class TransitionSerializer(serializers.Serializer):
    """A move: the state to reach (``to``) or the transition's name (``transition``)."""

    to = serializers.ChoiceField(choices=NcrState.choices, required=False)
    transition = serializers.ChoiceField(
        choices=[(t.name, t.label) for t in NCR_WORKFLOW.transitions], required=False
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("to") and not attrs.get("transition"):
            raise serializers.ValidationError({"to": [_("Give the state to move to.")]})
        return attrs


class InspectionSerializer(RecordSerializer):
    """An inspection: what was inspected, on which published form version, the answers
    (photos and signature as the URLs that serve them), the flags and the result."""

    form_version = TenantRelatedField(
        FormVersion, help_text=_("A published form version's id (form-templates/{id}/versions/).")
    )
    answers = serializers.DictField(
        help_text=_(
            'Field key: answer. Numbers as strings or numbers, pass/fail as "pass"/"fail", '
            "dates as YYYY-MM-DD, photos and signatures as data URLs (a signature is PNG)."
        )
    )
    drill_bit = TenantRelatedField(DrillBit, required=False, allow_null=True)
    work_order = TenantRelatedField(
        WorkOrder, required=False, allow_null=True, help_text=_("A work order in QC.")
    )
    item = TenantRelatedField(
        Item, required=False, allow_null=True, help_text=_("A received item (with location).")
    )
    location = TenantRelatedField(Location, required=False, allow_null=True)
    notes = _text()

    class Meta:
        model = Inspection
        rows = INSPECTION_ROWS
        extra_fields = ("answers", "flags")

    flags = serializers.SerializerMethodField()

    def get_flags(self, obj: Inspection) -> dict[str, str]:
        return dict(obj.submission.flags or {})

    def to_representation(self, instance: Inspection) -> dict[str, Any]:
        data = super().to_representation(instance)
        filled = submission_data(instance.submission)
        data["answers"] = filled["answers"]
        data["flags"] = filled["flags"]
        return data


class InspectionNotesSerializer(serializers.Serializer):
    """What changes on a recorded inspection: its notes."""

    notes = _text()


class RaiseNcrSerializer(serializers.Serializer):
    """An NCR raised from a failed inspection (its context is filled in)."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)


__all__ = ["InspectionResult"]
