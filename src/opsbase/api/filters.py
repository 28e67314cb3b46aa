"""Query filters of the tokens API (``?status=active&name=ci``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.tenants.models import Membership

from .models import ApiToken, ApiTokenStatus
from .selectors import api_token_filter_status


def _memberships(request):
    # Only the caller's organization: an id of another one is "not a valid choice" (400),
    # and a bare Membership.objects.all() would not run at all (fail-closed manager).
    membership = getattr(request, "membership", None)
    if membership is None:
        return Membership.objects.unscoped().none()
    return Membership.objects.for_tenant(membership.tenant_id)


class ApiTokenFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ApiTokenStatus.choices, method="filter_status"
    )
    name = django_filters.CharFilter(label=_("Name contains"), lookup_expr="icontains")
    membership = django_filters.ModelChoiceFilter(label=_("Member"), queryset=_memberships)

    class Meta:
        model = ApiToken
        fields = ["status", "name", "membership"]

    def filter_status(self, queryset, name, value):
        return api_token_filter_status(queryset, value)
