"""Filters of lead lists, shared by the pages and the API (``?stage=3&owner=7&source=import``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import MemberChoiceFilter, SearchFilter
from opsbase.kit.pipelines import DueFilter, StageFilter

from .constants import LeadSource
from .models import Lead, Stage


class LeadFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    stage = StageFilter(Stage, label=_("Stage"), empty_label=_("Any stage"))
    owner = MemberChoiceFilter(label=_("Owner"), empty_label=_("Anyone"))
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=LeadSource.choices, empty_label=_("Any source")
    )
    due = DueFilter(label=_("Follow-up due"), field_name="follow_up")
    score_min = django_filters.NumberFilter(
        label=_("Score from"), field_name="score", lookup_expr="gte"
    )
    score_max = django_filters.NumberFilter(
        label=_("Score up to"), field_name="score", lookup_expr="lte"
    )

    class Meta:
        model = Lead
        fields = ["q", "stage", "owner", "source", "due", "score_min", "score_max"]
