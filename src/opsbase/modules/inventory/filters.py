"""Filters of the inventory lists, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import SearchFilter

from .constants import MovementKind
from .models import Item, Location, StockBalance, StockCount, StockMovement


def _items(request: Any) -> QuerySet[Item]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return Item.objects.unscoped().none()
    return Item.objects.for_tenant(membership.tenant_id).order_by("sku")


def _locations(request: Any) -> QuerySet[Location]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return Location.objects.unscoped().none()
    return Location.objects.for_tenant(membership.tenant_id).order_by("code")


class ItemFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))

    class Meta:
        model = Item
        fields = ["q"]


class LocationFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))

    class Meta:
        model = Location
        fields = ["q"]


class MovementFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=MovementKind.choices, empty_label=_("Any kind")
    )
    item = django_filters.ModelChoiceFilter(
        label=_("Item"), queryset=_items, empty_label=_("Any item")
    )
    location = django_filters.ModelChoiceFilter(
        label=_("Location"),
        queryset=_locations,
        empty_label=_("Any location"),
        method="filter_location",
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="effective_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("Until"),
        field_name="effective_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = StockMovement
        fields = ["q", "kind", "item", "location", "date_from", "date_to"]

    def filter_location(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(from_location=value) | Q(to_location=value))


class BalanceFilter(django_filters.FilterSet):
    item = django_filters.ModelChoiceFilter(
        label=_("Item"), queryset=_items, empty_label=_("Any item")
    )
    location = django_filters.ModelChoiceFilter(
        label=_("Location"), queryset=_locations, empty_label=_("Any location")
    )

    class Meta:
        model = StockBalance
        fields = ["item", "location"]


class CountFilter(django_filters.FilterSet):
    item = django_filters.ModelChoiceFilter(
        label=_("Item"), queryset=_items, empty_label=_("Any item")
    )
    location = django_filters.ModelChoiceFilter(
        label=_("Location"), queryset=_locations, empty_label=_("Any location")
    )

    class Meta:
        model = StockCount
        fields = ["item", "location"]
