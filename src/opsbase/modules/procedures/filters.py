"""Filters of procedure lists, shared by the pages and the API (``?state=approved&code=SOP-1``)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import SearchFilter

from .constants import ProcedureState
from .models import Procedure


class ProcedureFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=ProcedureState.choices, empty_label=_("Any state")
    )
    code = django_filters.CharFilter(label=_("Code"), field_name="code", lookup_expr="iexact")

    class Meta:
        model = Procedure
        fields = ["q", "state", "code"]
