"""Input of the inventory pages: parsing and validation only; the services decide the rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import MemberChoiceField, RecordForm

from .constants import QUANTITY_DIGITS, QUANTITY_PLACES, MovementKind
from .models import Item, Location, StockCount, StockMovement


def _quantity_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, **kwargs
    )


class ItemForm(RecordForm):
    model = Item
    sku = forms.CharField(label=_("SKU"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=16, initial="pcs")
    owner = MemberChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        empty_label=_("Nobody"),
        help_text=_("Who is told when its stock runs low."),
    )
    low_stock_threshold = _quantity_field(
        _("Low-stock threshold"), required=False, min_value=Decimal("0")
    )
    allow_negative = forms.BooleanField(label=_("Allow negative stock"), required=False)


class LocationForm(RecordForm):
    model = Location
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Item) -> str:
        return f"{obj.sku} — {obj.name}"


class LocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Location) -> str:
        return f"{obj.code} — {obj.name}"


class MovementForm(RecordForm):
    model = StockMovement
    kind = forms.ChoiceField(label=_("Kind"), choices=MovementKind.choices)
    item = ItemChoiceField(label=_("Item"), queryset=Item.objects.unscoped().none())
    from_location = LocationChoiceField(
        label=_("From"),
        queryset=Location.objects.unscoped().none(),
        required=False,
        empty_label=_("—"),
        help_text=_("Where the stock comes from (issue, transfer, scrap, adjustment down)."),
    )
    to_location = LocationChoiceField(
        label=_("To"),
        queryset=Location.objects.unscoped().none(),
        required=False,
        empty_label=_("—"),
        help_text=_("Where the stock goes (receipt, return, transfer, adjustment up)."),
    )
    quantity = _quantity_field(_("Quantity"), min_value=Decimal("0.001"))
    effective_date = forms.DateField(
        label=_("Effective date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for a movement dated before the last stock count."),
    )

    def __init__(self, data: Any = None, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, membership=membership, **kwargs)
        tenant = membership.tenant_id
        self.fields["item"].queryset = Item.objects.for_tenant(tenant).order_by("sku")  # type: ignore[attr-defined]
        places = Location.objects.for_tenant(tenant).order_by("code")
        self.fields["from_location"].queryset = places  # type: ignore[attr-defined]
        self.fields["to_location"].queryset = places  # type: ignore[attr-defined]
        self.fields["effective_date"].initial = timezone.localdate()


class StockCountForm(RecordForm):
    model = StockCount
    item = ItemChoiceField(label=_("Item"), queryset=Item.objects.unscoped().none())
    location = LocationChoiceField(label=_("Location"), queryset=Location.objects.unscoped().none())
    counted_quantity = _quantity_field(_("Counted"), min_value=Decimal("0"))
    counted_on = forms.DateField(
        label=_("Counted on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Says why, when the count differs from the books."),
    )

    def __init__(self, data: Any = None, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, membership=membership, **kwargs)
        tenant = membership.tenant_id
        self.fields["item"].queryset = Item.objects.for_tenant(tenant).order_by("sku")  # type: ignore[attr-defined]
        places = Location.objects.for_tenant(tenant).order_by("code")
        self.fields["location"].queryset = places  # type: ignore[attr-defined]
        self.fields["counted_on"].initial = timezone.localdate()
