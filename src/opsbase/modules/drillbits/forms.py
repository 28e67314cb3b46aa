"""Input of the drill bit pages: parsing and validation only; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import RecordForm
from opsbase.modules.sites.selectors import rig_choices, well_choices

from .constants import (
    DULL_BEARING_GRADES,
    BitSize,
    BitType,
    DullCharacteristic,
    DullLocation,
    DullReason,
)
from .models import FOREIGN_SITE, DrillBit


class SiteChoiceField(forms.ModelChoiceField):
    """A rig or well of the organization (the form sets the choices per member)."""

    default_error_messages = {"invalid_choice": FOREIGN_SITE}


class DrillBitForm(RecordForm):
    model = DrillBit
    serial_number = forms.CharField(label=_("Serial number"), max_length=60)
    bit_type = forms.ChoiceField(label=_("Type"), choices=BitType.choices)
    size = forms.ChoiceField(label=_("Size"), choices=BitSize.choices)
    design = forms.CharField(label=_("Design / model"), max_length=120, required=False)
    iadc_code = forms.CharField(
        label=_("IADC code"),
        max_length=4,
        required=False,
        help_text=_("517X for a roller cone, M323 for a fixed cutter bit."),
    )
    location = forms.CharField(label=_("Current location"), max_length=200, required=False)
    rig = SiteChoiceField(label=_("Rig"), queryset=None, required=False, empty_label=_("None"))
    well = SiteChoiceField(label=_("Well"), queryset=None, required=False, empty_label=_("None"))

    def __init__(self, data: Any = None, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, membership=membership, **kwargs)
        rig: Any = self.fields["rig"]
        well: Any = self.fields["well"]
        rig.queryset = rig_choices(membership=membership)
        well.queryset = well_choices(membership=membership)

    def clean_iadc_code(self) -> str:
        return (self.cleaned_data.get("iadc_code") or "").strip().upper()


class TransitionForm(forms.Form):
    """A move asked for on the scan page (the reason only where the move takes one)."""

    transition = forms.CharField(max_length=64)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class LabelForm(forms.Form):
    """Which bits' labels to print, and on what."""

    LAYOUTS = (
        ("a4", _("A4 sheet (24 labels)")),
        ("roll", _("62 mm label roll")),
        ("svg", _("SVG image")),
    )
    pk = forms.TypedMultipleChoiceField(
        label=_("Drill bits"), coerce=int, choices=(), widget=forms.CheckboxSelectMultiple
    )
    layout = forms.ChoiceField(label=_("Print on"), choices=LAYOUTS, initial="a4")

    def __init__(self, data: Any = None, *, bits: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        field: Any = self.fields["pk"]
        field.choices = [(bit.pk, f"{bit} · {bit.get_status_display()}") for bit in bits]


class BitRunForm(forms.Form):
    """A run of a bit in a well, with its IADC dull grade (every grade field optional)."""

    well = SiteChoiceField(label=_("Well"), queryset=None, empty_label=_("Choose a well"))
    started_on = forms.DateField(
        label=_("Started on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    depth_in = forms.DecimalField(
        label=_("Depth in (m)"), required=False, max_digits=8, decimal_places=1, min_value=0
    )
    depth_out = forms.DecimalField(
        label=_("Depth out (m)"), required=False, max_digits=8, decimal_places=1, min_value=0
    )
    hours = forms.DecimalField(
        label=_("Hours on bottom"), required=False, max_digits=6, decimal_places=1, min_value=0
    )
    dull_inner = forms.IntegerField(
        label=_("Inner rows (0-8)"), required=False, min_value=0, max_value=8
    )
    dull_outer = forms.IntegerField(
        label=_("Outer rows (0-8)"), required=False, min_value=0, max_value=8
    )
    dull_characteristic = forms.ChoiceField(
        label=_("Dull characteristic"),
        required=False,
        choices=[("", "—"), *DullCharacteristic.choices],
    )
    dull_location = forms.ChoiceField(
        label=_("Location"), required=False, choices=[("", "—"), *DullLocation.choices]
    )
    dull_bearing = forms.ChoiceField(
        label=_("Bearings / seals"),
        required=False,
        choices=[("", "—"), *[(g, g) for g in DULL_BEARING_GRADES]],
    )
    dull_gauge = forms.CharField(
        label=_("Gauge"), required=False, max_length=5, help_text=_("I, or 1/16 … 16/16 under.")
    )
    dull_other = forms.ChoiceField(
        label=_("Other characteristic"),
        required=False,
        choices=[("", "—"), *DullCharacteristic.choices],
    )
    dull_reason = forms.ChoiceField(
        label=_("Reason pulled"), required=False, choices=[("", "—"), *DullReason.choices]
    )

    def __init__(self, data: Any = None, *, membership: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        well: Any = self.fields["well"]
        well.queryset = well_choices(membership=membership)
