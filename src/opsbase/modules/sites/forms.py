"""Input of the rig and well pages: parsing and validation only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import RecordForm

from .models import FOREIGN_CUSTOMER, Rig, Well
from .selectors import customer_choices


class CustomerChoiceField(forms.ModelChoiceField):
    """A customer of the organization, by name (the form sets the choices per member)."""

    default_error_messages = {"invalid_choice": FOREIGN_CUSTOMER}


class SiteForm(RecordForm):
    customer = CustomerChoiceField(label=_("Customer"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=120)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)

    def __init__(self, data: Any = None, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, membership=membership, **kwargs)
        customer: Any = self.fields["customer"]
        customer.queryset = customer_choices(membership=membership)


class RigForm(SiteForm):
    model = Rig
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )


class WellForm(SiteForm):
    model = Well
    field = forms.CharField(label=_("Field"), max_length=120, required=False)
    depth_m = forms.DecimalField(
        label=_("Depth (m)"), required=False, max_digits=8, decimal_places=1, min_value=0
    )
