"""Filters of rig and well lists, shared by the pages and the API (``?q=&customer=12``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import SearchFilter
from opsbase.modules.customers.models import Customer

from .models import Rig, Well
from .selectors import customer_choices


def request_customers(request: Any) -> Any:
    """The customers of the request's organization (none without a membership)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return Customer.objects.unscoped().none()
    return customer_choices(membership=membership)


class RigFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"), queryset=request_customers, empty_label=_("Any customer")
    )

    class Meta:
        model = Rig
        fields = ["q", "customer"]


class WellFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"), queryset=request_customers, empty_label=_("Any customer")
    )
    field = django_filters.CharFilter(label=_("Field"), lookup_expr="icontains")

    class Meta:
        model = Well
        fields = ["q", "customer", "field"]
