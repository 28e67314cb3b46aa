"""Filters of the audit log, shared by the page and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .selectors import audit_actor_choices


def _actors(request):
    membership = getattr(request, "membership", None)
    if membership is None:
        return get_user_model()._default_manager.none()
    return audit_actor_choices(membership=membership)


class AuditEventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    actor = django_filters.ModelChoiceFilter(label=_("Actor"), queryset=_actors)
    action = django_filters.CharFilter(label=_("Action"), lookup_expr="iexact")
    target_type = django_filters.CharFilter(label=_("Target type"), lookup_expr="iexact")
    target_id = django_filters.CharFilter(label=_("Target id"))
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["q", "actor", "action", "target_type", "target_id", "date_from", "date_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Suggest the kernel's actions; apps' own actions can still be typed.
        self.filters["action"].field.widget.attrs["list"] = "audit-actions"

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(target_label__icontains=value) | Q(actor_label__icontains=value))
