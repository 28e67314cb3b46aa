"""Filters of lead lists, shared by the pages and the API (``?stage=3&owner=7&source=import``):
the kit's of a deal, and the lead's source."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kit.deals import DealFilter

from .constants import LeadSource
from .models import Lead


class LeadFilter(DealFilter):
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=LeadSource.choices, empty_label=_("Any source")
    )

    class Meta:
        model = Lead
        fields = ["q", "stage", "owner", "source", "due", "score_min", "score_max"]
