"""Filters of customer lists, shared by the pages and the API (``?q=acme&currency=EUR``)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import SearchFilter

from .models import Customer


class CustomerFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    currency = django_filters.CharFilter(label=_("Currency"), lookup_expr="iexact")

    class Meta:
        model = Customer
        fields = ["q", "currency"]
