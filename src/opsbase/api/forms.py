"""Input of the API token pages: parsing and field validation only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .serializers import MAX_EXPIRY_DAYS


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What uses it, e.g. “CI pipeline” or “reporting script”."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        help_text=_("Leave empty for a token that works until it is revoked."),
    )
