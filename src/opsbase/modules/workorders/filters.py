"""Filters of work-order lists, shared by the pages and the API (``?state=released``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import MemberChoiceFilter, SearchFilter

from .constants import WorkOrderPriority, WorkOrderState, WorkOrderType
from .models import WorkOrder
from .selectors import workorder_filter_overdue


class WorkOrderFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=WorkOrderState.choices, empty_label=_("Any state")
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=WorkOrderType.choices, empty_label=_("Any type")
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=WorkOrderPriority.choices, empty_label=_("Any priority")
    )
    assignee = MemberChoiceFilter(
        label=_("Assignee"), empty_label=_("Anyone"), null_label=_("Unassigned")
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("true", _("Overdue only")), ("false", _("Not overdue"))],
        empty_label=_("Any"),
        method="filter_overdue",
    )

    class Meta:
        model = WorkOrder
        fields = ["q", "state", "type", "priority", "assignee", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return workorder_filter_overdue(queryset, {"true": True, "false": False}.get(value))
