"""JSON input of the dispatch API: parsing and validation only (a note's output is
DISPATCH_ROWS, with the drill bits on it)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.api import RecordSerializer
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.sites.models import Rig, Well

from .constants import DISPATCH_WORKFLOW, NoteKind, NoteState
from .models import FOREIGN_SITE, DispatchLine, DispatchNote
from .selectors import DISPATCH_ROWS, line_list


def line_data(line: DispatchLine) -> dict[str, Any]:
    """A drill bit on a note, as the API answers it."""
    bit = line.drillbit
    return {
        "id": bit.pk,
        "serial_number": bit.serial_number,
        "status": bit.status,
        "status_label": bit.get_status_display(),
    }


class DispatchMoveSerializer(serializers.Serializer):
    """A move of a note: the state to reach (``to``) or the transition's name."""

    to = serializers.ChoiceField(
        choices=NoteState.choices,
        required=False,
        help_text=_("The state to reach; the transition that leads there is taken."),
    )
    transition = serializers.ChoiceField(
        choices=[(t.name, t.label) for t in DISPATCH_WORKFLOW.transitions], required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("to") and not attrs.get("transition"):
            raise serializers.ValidationError({"to": [_("Give the state to move the note to.")]})
        return attrs


class DispatchNoteSerializer(RecordSerializer):
    """A dispatch note of the organization, with the drill bits on it."""

    kind = serializers.ChoiceField(choices=NoteKind.choices, required=False)
    rig = TenantRelatedField(
        Rig,
        required=False,
        allow_null=True,
        help_text=_("Id of the rig the bits go to or come from."),
        error_messages={"does_not_exist": FOREIGN_SITE},
    )
    well = TenantRelatedField(
        Well,
        required=False,
        allow_null=True,
        help_text=_("Id of the well the bits go to or come from."),
        error_messages={"does_not_exist": FOREIGN_SITE},
    )
    date = serializers.DateField(required=False)
    carrier = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    bits = TenantRelatedField(
        DrillBit,
        many=True,
        required=False,
        help_text=_(
            "Ids of the drill bits on the note (an update replaces them): in stock or "
            "assigned on an outbound note, in the field on a return note."
        ),
    )

    class Meta:
        model = DispatchNote
        rows = DISPATCH_ROWS
        extra_fields = ("bits",)

    def to_representation(self, instance: DispatchNote) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["bits"] = [line_data(line) for line in line_list(note=instance)]
        return data
