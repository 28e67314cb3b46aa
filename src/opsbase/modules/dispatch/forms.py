"""Input of the dispatch-note pages: parsing and validation only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import RecordForm
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.sites.models import Rig, Well

from .constants import NoteKind
from .models import FOREIGN_SITE, DispatchNote
from .selectors import bit_choices, line_list, rig_choices, well_choices


class BitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.serial_number} ({obj.get_status_display()})"


class DispatchNoteForm(RecordForm):
    model = DispatchNote
    kind = forms.ChoiceField(label=_("Kind"), choices=NoteKind.choices, initial=NoteKind.OUTBOUND)
    rig: forms.ModelChoiceField[Rig] = forms.ModelChoiceField(
        label=_("Rig"),
        queryset=None,
        required=False,
        empty_label=_("No rig"),
        error_messages={"invalid_choice": FOREIGN_SITE},
    )
    well: forms.ModelChoiceField[Well] = forms.ModelChoiceField(
        label=_("Well"),
        queryset=None,
        required=False,
        empty_label=_("No well"),
        error_messages={"invalid_choice": FOREIGN_SITE},
    )
    date = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    carrier = forms.CharField(label=_("Carrier"), max_length=200, required=False)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        help_text=_("A waybill, truck or order number."),
    )
    bits = BitsField(
        label=_("Drill bits"),
        queryset=None,
        required=False,
        help_text=_("Bits in stock or assigned go out; bits in the field come back."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data: Any = None, *args: Any, membership: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        super().__init__(data, *args, membership=membership, **kwargs)
        fields: Any = self.fields
        fields["rig"].queryset = rig_choices(membership=membership)
        fields["well"].queryset = well_choices(membership=membership)
        choices = bit_choices(membership=membership)
        if instance is not None:
            on_note = [line.drillbit_id for line in line_list(note=instance)]
            choices = (
                DrillBit.objects.for_tenant(membership.tenant_id)
                .filter(pk__in=[*choices.values_list("pk", flat=True), *on_note])
                .order_by("serial_number", "pk")
            )
            self.initial["bits"] = on_note
        fields["bits"].queryset = choices
