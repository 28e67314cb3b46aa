"""Filters of dispatch-note lists, shared by the pages and the API (``?q=&state=&kind=``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import SearchFilter

from .constants import NoteKind, NoteState
from .models import DispatchNote


class DispatchNoteFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=NoteState.choices, empty_label=_("Any state")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=NoteKind.choices, empty_label=_("Any kind")
    )

    class Meta:
        model = DispatchNote
        fields = ["q", "state", "kind"]
