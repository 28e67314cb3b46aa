"""Query filters of the tokens API (``?status=active&name=ci``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, ApiTokenStatus
from .selectors import api_token_filter_status


class ApiTokenFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ApiTokenStatus.choices, method="filter_status"
    )
    name = django_filters.CharFilter(label=_("Name contains"), lookup_expr="icontains")

    class Meta:
        model = ApiToken
        fields = ["status", "name", "membership"]

    def filter_status(self, queryset, name, value):
        return api_token_filter_status(queryset, value)
