"""Input of the maintenance pages: parsing and validation only; the services decide the rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import MemberChoiceField, RecordForm

from .constants import HOURS_DIGITS, HOURS_PLACES, Trigger
from .models import Equipment, MaintenancePlan


def _hours(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=HOURS_DIGITS,
        decimal_places=HOURS_PLACES,
        min_value=Decimal("0"),
        **kwargs,
    )


class EquipmentForm(RecordForm):
    model = Equipment
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    hours_meter = _hours(_("Hours meter"), required=False, initial=Decimal("0"))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_hours_meter(self) -> Decimal:
        return self.cleaned_data.get("hours_meter") or Decimal("0")


class PlanForm(RecordForm):
    model = MaintenancePlan
    title = forms.CharField(label=_("Title"), max_length=200)
    equipment = forms.ModelChoiceField(
        label=_("Equipment"), queryset=Equipment.objects.unscoped().none()
    )
    trigger = forms.ChoiceField(label=_("Trigger"), choices=Trigger.choices, initial=Trigger.DAYS)
    interval = forms.IntegerField(
        label=_("Every"), min_value=1, help_text=_("Days, or hours of use.")
    )
    next_due_date = forms.DateField(
        label=_("Next due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a plan every N days."),
    )
    next_due_hours = _hours(
        _("Next due at hours"),
        required=False,
        help_text=_("For a plan every N hours (empty: the meter now plus the interval)."),
    )
    assignee = MemberChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody")
    )
    checklist = forms.CharField(
        label=_("Checklist"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One operation of the work order per line."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, data: Any = None, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, membership=membership, **kwargs)
        self.fields["equipment"].queryset = Equipment.objects.for_tenant(  # type: ignore[attr-defined]
            membership.tenant_id
        ).order_by("code")


class HoursForm(forms.Form):
    hours = _hours(_("Hours meter reading"))
