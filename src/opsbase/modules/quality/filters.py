"""Filters of NCR lists, shared by the pages and the API (``?state=open&severity=major``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import SearchFilter

from .constants import InspectionResult, NcrState, Severity
from .models import Inspection, Ncr


class NcrFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=NcrState.choices, empty_label=_("Any state")
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Severity.choices, empty_label=_("Any severity")
    )

    class Meta:
        model = Ncr
        fields = ["q", "state", "severity"]


class InspectionFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    result = django_filters.ChoiceFilter(
        label=_("Result"), choices=InspectionResult.choices, empty_label=_("Any result")
    )
    work_order = django_filters.NumberFilter(label=_("Work order"), field_name="work_order_id")
    drill_bit = django_filters.NumberFilter(label=_("Drill bit"), field_name="drill_bit_id")

    class Meta:
        model = Inspection
        fields = ["q", "result", "work_order", "drill_bit"]
