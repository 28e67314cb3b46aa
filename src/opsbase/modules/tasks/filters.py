"""Filters of task lists, shared by the pages and the API (``?status=todo&overdue=true``)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.tenants.models import Membership

from .constants import TaskPriority, TaskStatus
from .models import Task
from .selectors import task_assignee_choices, task_filter_overdue


def _assignees(request):
    membership = getattr(request, "membership", None)
    if membership is None:
        return Membership.objects.unscoped().none()
    return task_assignee_choices(membership=membership)


class MemberChoiceField(forms.ModelChoiceField):
    """Members shown by name and e-mail rather than by their database label."""

    def label_from_instance(self, obj) -> str:
        name = obj.user.get_full_name().strip()
        return f"{name} <{obj.user.email}>" if name else obj.user.email


class MemberChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = MemberChoiceField


class TaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=TaskStatus.choices, empty_label=_("Any status")
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=TaskPriority.choices, empty_label=_("Any priority")
    )
    assignee = MemberChoiceFilter(label=_("Assignee"), queryset=_assignees, empty_label=_("Anyone"))
    due_from = django_filters.DateFilter(
        label=_("Due from"),
        field_name="due_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_to = django_filters.DateFilter(
        label=_("Due until"),
        field_name="due_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("true", _("Overdue only")), ("false", _("Not overdue"))],
        empty_label=_("Any"),
        method="filter_overdue",
    )

    class Meta:
        model = Task
        fields = ["q", "status", "priority", "assignee", "due_from", "due_to", "overdue"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_overdue(self, queryset, name, value):
        return task_filter_overdue(queryset, {"true": True, "false": False}.get(value))
