"""Form pieces every module's pages and filters share: people chosen by name, and a search
box over the fields the module declares."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import search_fields_for
from opsbase.kernel.tenants.models import Membership

from .selectors import member_choices

FOREIGN_MEMBER = _("Choose a member of this organization.")


class MemberChoiceField(forms.ModelChoiceField):
    """A member of the organization, shown by name and e-mail."""

    default_error_messages = {"invalid_choice": FOREIGN_MEMBER}

    def label_from_instance(self, obj: Membership) -> str:
        name = obj.user.get_full_name().strip()
        return f"{name} <{obj.user.email}>" if name else obj.user.email


def request_members(request: Any) -> QuerySet[Membership]:
    """The active members of the request's organization (none without a membership)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return Membership.objects.unscoped().none()
    return member_choices(membership=membership)


class MemberChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter on a membership field, offering the request's members by name."""

    field_class = MemberChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", request_members)
        super().__init__(*args, **kwargs)


class SearchFilter(django_filters.CharFilter):
    """The list's search box: the text, in any case, in any of the fields the module
    declares for the model (``ModuleConfig.search_fields``)."""

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        value = (value or "").strip()
        if not value:
            return qs
        query = Q()
        for name in search_fields_for(qs.model):
            query |= Q(**{f"{name}__icontains": value})
        return qs.filter(query) if query else qs
