"""Filters of task lists, shared by the pages and the API (``?status=todo&overdue=true``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import DayFilter, MemberChoiceFilter, SearchFilter

from .constants import TaskPriority, TaskStatus
from .models import Task
from .selectors import task_filter_overdue


class TaskFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=TaskStatus.choices, empty_label=_("Any status")
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=TaskPriority.choices, empty_label=_("Any priority")
    )
    assignee = MemberChoiceFilter(
        label=_("Assignee"), empty_label=_("Anyone"), null_label=_("Unassigned")
    )
    due_from = DayFilter(label=_("Due from"), field_name="due_date", lookup_expr="gte")
    due_to = DayFilter(label=_("Due until"), field_name="due_date", lookup_expr="lte")
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("true", _("Overdue only")), ("false", _("Not overdue"))],
        empty_label=_("Any"),
        method="filter_overdue",
    )

    class Meta:
        model = Task
        fields = ["q", "status", "priority", "assignee", "due_from", "due_to", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return task_filter_overdue(queryset, {"true": True, "false": False}.get(value))
