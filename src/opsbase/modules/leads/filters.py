"""Filters of lead lists, shared by the pages and the API (``?stage=3&owner=7&source=import``)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import MemberChoiceFilter, SearchFilter

from .constants import LeadSource, StageKind
from .models import Lead, Stage


class StageFilter(django_filters.ModelChoiceFilter):
    def get_queryset(self, request):
        membership = getattr(request, "membership", None)
        if membership is None:
            return Stage.objects.unscoped().none()
        return Stage.objects.for_tenant(membership.tenant_id).select_related("pipeline")


class LeadFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    stage = StageFilter(label=_("Stage"), empty_label=_("Any stage"))
    owner = MemberChoiceFilter(label=_("Owner"), empty_label=_("Anyone"))
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=LeadSource.choices, empty_label=_("Any source")
    )
    due = django_filters.BooleanFilter(
        label=_("Follow-up due"),
        method="filter_due",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Due")), ("false", _("Not due"))]),
    )
    score_min = django_filters.NumberFilter(
        label=_("Score from"), field_name="score", lookup_expr="gte"
    )
    score_max = django_filters.NumberFilter(
        label=_("Score up to"), field_name="score", lookup_expr="lte"
    )

    class Meta:
        model = Lead
        fields = ["q", "stage", "owner", "source", "due", "score_min", "score_max"]

    def filter_due(self, queryset, name, value):
        due = {"follow_up__lte": timezone.localdate(), "stage__kind": StageKind.OPEN}
        return queryset.filter(**due) if value else queryset.exclude(**due)
