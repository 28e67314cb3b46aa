"""Input of the work-order pages: parsing and validation only; the services decide the rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import MemberChoiceField, RecordForm
from opsbase.modules.customers.models import Customer
from opsbase.modules.inventory.models import Item, Location

from .constants import HOURS_DIGITS, HOURS_PLACES, WorkOrderPriority, WorkOrderType
from .models import WorkOrder


class WorkOrderForm(RecordForm):
    model = WorkOrder
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(
        label=_("Type"), choices=WorkOrderType.choices, initial=WorkOrderType.REPAIR
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.unscoped().none(),
        required=False,
        empty_label=_("No customer"),
    )
    assignee = MemberChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody")
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=WorkOrderPriority.choices, initial=WorkOrderPriority.NORMAL
    )
    planned_start = forms.DateField(
        label=_("Planned start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, data: Any = None, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, membership=membership, **kwargs)
        customers = Customer.objects.for_tenant(membership.tenant_id).order_by("name")
        self.fields["customer"].queryset = customers  # type: ignore[attr-defined]


def _hours(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=HOURS_DIGITS,
        decimal_places=HOURS_PLACES,
        min_value=Decimal("0"),
        required=False,
        **kwargs,
    )


class OperationForm(forms.Form):
    title = forms.CharField(label=_("Operation"), max_length=200)
    planned_hours = _hours(_("Planned hours"))


class OperationWorkForm(forms.Form):
    done = forms.BooleanField(label=_("Done"), required=False)
    actual_hours = _hours(_("Actual hours"))


class PartForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Item"),
        queryset=Item.objects.unscoped().none(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    location = forms.ModelChoiceField(
        label=_("From"),
        queryset=Location.objects.unscoped().none(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=14,
        decimal_places=3,
        min_value=Decimal("0.001"),
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}),
    )

    def __init__(self, data: Any = None, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        tenant = membership.tenant_id
        self.fields["item"].queryset = Item.objects.for_tenant(tenant).order_by("sku")  # type: ignore[attr-defined]
        self.fields["location"].queryset = Location.objects.for_tenant(tenant).order_by("code")  # type: ignore[attr-defined]
