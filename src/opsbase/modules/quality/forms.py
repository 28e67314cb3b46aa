"""Input of the NCR pages: parsing and validation only; the services decide the rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import MemberChoiceField, RecordForm
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.inventory.models import Item, Location
from opsbase.modules.workorders.models import WorkOrder

from .constants import QUANTITY_DIGITS, QUANTITY_PLACES, DispositionKind, Severity
from .models import Inspection, Ncr


def _quantity(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        min_value=Decimal("0"),
        **kwargs,
    )


def _long(label: Any, rows: int = 2, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _choice(label: Any, empty: Any) -> forms.ModelChoiceField:
    # Filled with the organization's records in __init__.
    return forms.ModelChoiceField(
        label=label, queryset=Item.objects.unscoped().none(), required=False, empty_label=empty
    )


class NcrForm(RecordForm):
    model = Ncr
    title = forms.CharField(label=_("Title"), max_length=200)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.MINOR
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    description = _long(_("What was found"), rows=3)
    drill_bit = _choice(_("Drill bit"), _("No drill bit"))
    work_order = _choice(_("Work order"), _("No work order"))
    item = _choice(_("Item in stock"), _("No item"))
    location = _choice(_("Where the stock is"), _("No location"))
    subject_text = forms.CharField(
        label=_("Other subject"),
        max_length=200,
        required=False,
        help_text=_("When it is none of the above."),
    )
    quantity_inspected = _quantity(_("Quantity inspected"), required=False)
    quantity_nonconforming = _quantity(_("Quantity non-conforming"), required=False)
    why_1 = _long(_("Why? (1)"))
    why_2 = _long(_("Why? (2)"))
    why_3 = _long(_("Why? (3)"))
    why_4 = _long(_("Why? (4)"))
    why_5 = _long(_("Why? (5)"))
    containment = _long(_("Containment"))
    corrective_action = _long(
        _("Corrective action"), help_text=_("Written once, it becomes a task.")
    )

    def __init__(self, data: Any = None, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, membership=membership, **kwargs)
        tenant = membership.tenant_id
        choices = {
            "drill_bit": DrillBit.objects.for_tenant(tenant).order_by("serial_number"),
            "work_order": WorkOrder.objects.for_tenant(tenant).order_by("-pk"),
            "item": Item.objects.for_tenant(tenant).order_by("sku"),
            "location": Location.objects.for_tenant(tenant).order_by("code"),
        }
        for name, queryset in choices.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in ("quantity_inspected", "quantity_nonconforming"):
            if cleaned.get(name) is None:
                cleaned[name] = Decimal("0")
        return cleaned


class DispositionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Disposition"), choices=DispositionKind.choices)
    quantity = _quantity(
        _("Quantity"),
        required=False,
        help_text=_("Stock scrapped or returned (default: the non-conforming quantity)."),
    )
    approver = MemberChoiceField(
        label=_("Concession approved by"),
        queryset=None,
        required=False,
        empty_label=_("Nobody"),
        help_text=_("Use as is only."),
    )
    notes = _long(_("Notes"))

    def __init__(self, data: Any = None, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        from opsbase.kit.selectors import member_choices

        self.fields["approver"].queryset = member_choices(  # type: ignore[attr-defined]
            membership=membership
        )
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else "form-control form-control-sm"
            )


class InspectionForm(RecordForm):
    """An inspection's notes (what was found stays as filled in)."""

    model = Inspection
    notes = _long(_("Notes"), rows=3)


class InspectionStartForm(forms.Form):
    """What to inspect, and on which form: the first step of a new inspection."""

    form_version = forms.ModelChoiceField(
        label=_("Form"), queryset=Item.objects.unscoped().none(), empty_label=_("Choose a form")
    )
    drill_bit = _choice(_("Drill bit"), _("No drill bit"))
    work_order = _choice(_("Work order in QC"), _("No work order"))
    item = _choice(_("Received item"), _("No item"))
    location = _choice(_("Received at"), _("No location"))
    notes = _long(_("Notes"))

    def __init__(self, data: Any = None, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        from opsbase.modules.checklists.selectors import version_choices

        tenant = membership.tenant_id
        choices = {
            "form_version": version_choices(membership=membership),
            "drill_bit": DrillBit.objects.for_tenant(tenant).order_by("serial_number"),
            "work_order": WorkOrder.objects.for_tenant(tenant).filter(state="qc").order_by("-pk"),
            "item": Item.objects.for_tenant(tenant).order_by("sku"),
            "location": Location.objects.for_tenant(tenant).order_by("code"),
        }
        for name, queryset in choices.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if select else "form-control"
