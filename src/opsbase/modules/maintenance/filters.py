"""Filters of equipment and plan lists, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import SearchFilter

from .constants import Trigger
from .models import Equipment, MaintenancePlan
from .selectors import overdue_q


class EquipmentFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))

    class Meta:
        model = Equipment
        fields = ["q"]


class PlanFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    trigger = django_filters.ChoiceFilter(
        label=_("Trigger"), choices=Trigger.choices, empty_label=_("Any trigger")
    )
    equipment = django_filters.NumberFilter(label=_("Equipment"), field_name="equipment_id")
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = MaintenancePlan
        fields = ["q", "trigger", "equipment", "overdue"]

    def filter_overdue(self, queryset: Any, name: str, value: Any) -> Any:
        if value is None:
            return queryset
        late = overdue_q(timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
