"""Input of the customer pages: parsing and validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import RecordForm

from .constants import DEFAULT_CURRENCY
from .models import Customer


class CustomerForm(RecordForm):
    model = Customer
    name = forms.CharField(label=_("Name"), max_length=200)
    contact = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tax_id = forms.CharField(label=_("Tax number"), max_length=40, required=False)
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        initial=DEFAULT_CURRENCY,
        help_text=_("The ISO code of the customer's invoices: EUR, USD, GBP..."),
    )
