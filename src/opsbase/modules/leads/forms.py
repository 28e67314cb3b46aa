"""Input of the lead pages: parsing and validation only; the services decide the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import MemberChoiceField, RecordForm

from .constants import LeadSource


class LeadForm(RecordForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    company = forms.CharField(label=_("Company"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    source = forms.ChoiceField(
        label=_("Source"), choices=LeadSource.choices, initial=LeadSource.MANUAL
    )
    value = forms.DecimalField(
        label=_("Estimated value"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    currency = forms.CharField(label=_("Currency"), min_length=3, max_length=3, initial="EUR")
    owner = MemberChoiceField(label=_("Owner"), queryset=None, required=False, empty_label=_("Me"))
    follow_up = forms.DateField(
        label=_("Next follow-up"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()
