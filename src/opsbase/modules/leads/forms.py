"""Input of the lead pages: parsing and validation only; the services decide the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.deals import DealForm

from .constants import LEAD_FIELDS, LeadSource


class LeadForm(DealForm):
    """The kit's fields of a person and a deal, and where the lead came from."""

    field_order = LEAD_FIELDS
    source = forms.ChoiceField(
        label=_("Source"), choices=LeadSource.choices, initial=LeadSource.MANUAL
    )
