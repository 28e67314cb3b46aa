"""JSON input of the drill bits API: parsing and validation only (the output is the row
specs)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.api import RecordSerializer
from opsbase.modules.sites.models import Rig, Well
from opsbase.modules.sites.selectors import rig_choices, well_choices

from .constants import (
    DULL_BEARING_GRADES,
    BitSize,
    BitState,
    BitType,
    DullCharacteristic,
    DullLocation,
    DullReason,
)
from .models import FOREIGN_SITE, BitRun, DrillBit
from .selectors import BITRUN_ROWS, DRILLBIT_ROWS


class RigField(TenantRelatedField):
    model = Rig
    default_error_messages = {
        "does_not_exist": FOREIGN_SITE,
        "incorrect_type": _("Give the rig's id (a number)."),
    }

    def tenant_queryset(self, membership: Any) -> Any:
        return rig_choices(membership=membership)


class WellField(TenantRelatedField):
    model = Well
    default_error_messages = {
        "does_not_exist": FOREIGN_SITE,
        "incorrect_type": _("Give the well's id (a number)."),
    }

    def tenant_queryset(self, membership: Any) -> Any:
        return well_choices(membership=membership)


class DrillBitSerializer(RecordSerializer):
    """A drill bit of the organization."""

    serial_number = serializers.CharField(
        max_length=60, help_text=_("Unique in your organization.")
    )
    bit_type = serializers.ChoiceField(choices=BitType.choices)
    size = serializers.ChoiceField(choices=BitSize.choices, help_text=_("Nominal diameter."))
    design = serializers.CharField(max_length=120, required=False, allow_blank=True)
    iadc_code = serializers.CharField(
        max_length=4,
        required=False,
        allow_blank=True,
        help_text=_("IADC classification: 517X (roller cone) or M323 (fixed cutter)."),
    )
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    rig = RigField(required=False, allow_null=True)
    well = WellField(required=False, allow_null=True)

    class Meta:
        model = DrillBit
        rows = DRILLBIT_ROWS

    def validate_iadc_code(self, value: str) -> str:
        return value.strip().upper()


class DrillBitMoveSerializer(serializers.Serializer):
    """A move of a drill bit: the state to reach (or the transition's name), and a reason
    where the move takes one (scrapping)."""

    to = serializers.ChoiceField(
        choices=BitState.choices,
        required=False,
        help_text=_("The state to reach; the transition that leads there is taken."),
    )
    transition = serializers.CharField(required=False, help_text=_("Or the transition's name."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("to") and not attrs.get("transition"):
            raise serializers.ValidationError({"to": [_("Give the state to move the bit to.")]})
        return attrs


class BitRunSerializer(RecordSerializer):
    """A run of a drill bit in a well, with its IADC dull grade."""

    well = WellField()
    started_on = serializers.DateField(required=False, allow_null=True)
    depth_in = serializers.DecimalField(
        max_digits=8, decimal_places=1, min_value=0, required=False, allow_null=True
    )
    depth_out = serializers.DecimalField(
        max_digits=8, decimal_places=1, min_value=0, required=False, allow_null=True
    )
    hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, required=False, allow_null=True
    )
    dull_inner = serializers.IntegerField(min_value=0, max_value=8, required=False, allow_null=True)
    dull_outer = serializers.IntegerField(min_value=0, max_value=8, required=False, allow_null=True)
    dull_characteristic = serializers.ChoiceField(
        choices=DullCharacteristic.choices, required=False, allow_blank=True
    )
    dull_location = serializers.ChoiceField(
        choices=DullLocation.choices, required=False, allow_blank=True
    )
    dull_bearing = serializers.ChoiceField(
        choices=[(g, g) for g in DULL_BEARING_GRADES], required=False, allow_blank=True
    )
    dull_gauge = serializers.CharField(max_length=5, required=False, allow_blank=True)
    dull_other = serializers.ChoiceField(
        choices=DullCharacteristic.choices, required=False, allow_blank=True
    )
    dull_reason = serializers.ChoiceField(
        choices=DullReason.choices, required=False, allow_blank=True
    )

    class Meta:
        model = BitRun
        rows = BITRUN_ROWS
