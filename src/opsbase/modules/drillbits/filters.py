"""Filters of drill bit lists, shared by the pages and the API (``?status=in_field&size=8-1/2``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import SearchFilter
from opsbase.modules.sites.models import Rig, Well
from opsbase.modules.sites.selectors import rig_choices, well_choices

from .constants import BitSize, BitState, BitType
from .models import DrillBit


def request_rigs(request: Any) -> Any:
    membership = getattr(request, "membership", None)
    if membership is None:
        return Rig.objects.unscoped().none()
    return rig_choices(membership=membership)


def request_wells(request: Any) -> Any:
    membership = getattr(request, "membership", None)
    if membership is None:
        return Well.objects.unscoped().none()
    return well_choices(membership=membership)


class DrillBitFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=BitState.choices, empty_label=_("Any status")
    )
    bit_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=BitType.choices, empty_label=_("Any type")
    )
    size = django_filters.ChoiceFilter(
        label=_("Size"), choices=BitSize.choices, empty_label=_("Any size")
    )
    rig = django_filters.ModelChoiceFilter(
        label=_("Rig"), queryset=request_rigs, empty_label=_("Any rig")
    )
    well = django_filters.ModelChoiceFilter(
        label=_("Well"), queryset=request_wells, empty_label=_("Any well")
    )

    class Meta:
        model = DrillBit
        fields = ["q", "status", "bit_type", "size", "rig", "well"]
