"""Form pieces every module's pages and filters share: people chosen by name, and a search
box over the fields the module declares."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters.filters import Filter, QuerySetRequestMixin
from django_filters.filterset import BaseFilterSet

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


class MemberFilterField(django_filters.fields.ModelChoiceField):
    """A filter's member field: as ``MemberChoiceField``, and ``null_label`` offers "none"."""

    default_error_messages = {"invalid_choice": FOREIGN_MEMBER}

    def label_from_instance(self, obj: Membership) -> str:
        return MemberChoiceField.label_from_instance(self, obj)


class MemberChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter on a membership field, offering the request's members by name
    (``null_label=_("Unassigned")``: also the records with nobody, ``?<name>=null``)."""

    field_class = MemberFilterField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", request_members)
        super().__init__(*args, **kwargs)


class DayFilter(django_filters.DateFilter):
    """A filter on a date, its box the browser's date picker (``<input type="date">``):
    ``DayFilter(label=_("Due from"), field_name="due_date", lookup_expr="gte")``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
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


class RecordForm(forms.Form):
    """The form of a record's page: ``RecordForm(data=None, *, membership, instance=None)``.

    Editing, it starts from *instance*'s values. Member fields (``MemberChoiceField``) offer
    the active members of *membership*'s organization. The workflow state, when the form has
    a field named as the model's state field, offers only the states reachable from here
    (none sent: unchanged) and is left out of a new record's form, which starts in the
    initial state.
    """

    def __init__(
        self, data: Any = None, *args: Any, membership: Any, instance: Any = None, **kwargs: Any
    ) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(
                        instance,
                        f"{name}_id" if isinstance(field, forms.ModelChoiceField) else name,
                        None,
                    )
                    for name, field in self.base_fields.items()
                },
            )
        super().__init__(data, *args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, MemberChoiceField):
                field.queryset = member_choices(membership=membership)
        self.state_field = self._state_field(instance)
        if self.state_field is None:
            return
        if instance is None:
            del self.fields[self.state_field]
            self.state_field = None
            return
        from opsbase.kernel.workflows import transitions_available, workflow_of

        current = getattr(instance, self.state_field)
        options = transitions_available(membership=membership, obj=instance)
        reachable = {o.target for o in options if o.allowed}
        state = self.fields[self.state_field]
        state.choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (value, label)
            for value, label in workflow_of(type(instance)).states.choices
            if value == current or value in reachable
        ]
        state.help_text = _("Only the states reachable from here.")

    def _state_field(self, instance: Any) -> str | None:
        from opsbase.kernel.workflows import state_field_of

        model = type(instance) if instance is not None else getattr(self, "model", None)
        if model is None:
            return next((n for n in ("status", "state") if n in self.fields), None)
        try:
            name = state_field_of(model).name
        except LookupError:
            return None
        return name if name in self.fields else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.state_field and not cleaned.get(self.state_field):
            cleaned[self.state_field] = None  # none sent: the state stays
        return cleaned


def names_a_filter(filterset_class: type, query: Iterable[str]) -> bool:
    """True when *query* (its parameter names) holds one of *filterset_class*'s filters: only
    then is the filter set bound and its form validated. An unfiltered list, the most common
    read, skips that work (its page still shows the filters, empty)."""
    names = _filter_names(filterset_class)
    return bool(names) and any(key.startswith(names) for key in query)


@cache
def _filter_names(filterset_class: type) -> tuple[str, ...]:
    # A range filter's parameters extend its name (``due_after``, ``score_min``).
    return tuple(getattr(filterset_class, "base_filters", ()))


# -- filter sets: the form class built once -----------------------------------------------

_FORM_CLASSES: dict[tuple[type, str | None], type[forms.Form]] = {}
_UNBOUND_FORMS: dict[tuple[type, str | None], tuple[forms.Form | None]] = {}


class FormClassBuiltOnce:
    """Mixed into a module's filter set by ``quick_filterset``. django-filter builds the form
    class (a field per filter) on every request: a fifth of a filtered list's time. Here it
    is built once per language (the labels it words are in it), without a request, and each
    form then gets the request's own querysets (the organization's members): a form built
    for no request offers none, so a queryset left unset refuses every choice."""

    request: Any
    filters: dict[str, Filter]

    def get_form_class(self) -> type[forms.Form]:
        key = (type(self), translation.get_language())
        found = _FORM_CLASSES.get(key)
        if found is None:
            model = self._meta.model  # type: ignore[attr-defined]
            made: Any = type(self)
            blank = made(None, queryset=model._default_manager.none(), request=None)
            found = _FORM_CLASSES[key] = BaseFilterSet.get_form_class(blank)
        return found

    @classmethod
    def unbound_form(cls) -> forms.Form | None:
        """The filter set's form without data, built once per language and shared by every
        unfiltered list (read only: ``ListControls.unbound``); None when one of its fields
        offers records other than the organization's members (those are the request's own,
        so each request builds its form)."""
        key = (cls, translation.get_language())
        found = _UNBOUND_FORMS.get(key)
        if found is None:
            model = cls._meta.model  # type: ignore[attr-defined]
            made: Any = cls  # a filter set (the mixin comes first among its bases)
            form = made(None, queryset=model._default_manager.none(), request=None).form
            shared = all(
                isinstance(field, MemberChoiceField | MemberFilterField)
                for field in form.fields.values()
                if isinstance(field, forms.ModelChoiceField)
            )
            found = _UNBOUND_FORMS[key] = (form if shared else None,)
        return found[0]

    @property
    def form(self) -> forms.Form:
        new = not hasattr(self, "_form")
        form: forms.Form = super().form  # type: ignore[misc]
        if new:
            for name, filter_ in self.filters.items():
                if isinstance(filter_, QuerySetRequestMixin) and callable(filter_.queryset):
                    field = form.fields[name]
                    field.queryset = filter_.get_queryset(self.request)  # type: ignore[attr-defined]
        return form


@cache
def quick_filterset(filterset_class: Any) -> Any:
    """*filterset_class* with its form class built once (``FormClassBuiltOnce``); itself when
    it builds its form its own way (its own ``__init__``, ``get_form_class`` or ``form``, or
    a filter whose field is not django-filter's), which is then left to do so."""
    own_fields = (Filter.field, QuerySetRequestMixin.field)
    if (
        filterset_class.get_form_class is not BaseFilterSet.get_form_class
        or filterset_class.form is not BaseFilterSet.form
        # An __init__ of its own may shape the filters per request: the form is its own.
        or filterset_class.__init__ is not BaseFilterSet.__init__
        or any(type(f).field not in own_fields for f in filterset_class.base_filters.values())
    ):
        return filterset_class
    return type(
        filterset_class.__name__,
        (FormClassBuiltOnce, filterset_class),
        {"__module__": filterset_class.__module__, "__doc__": filterset_class.__doc__},
    )
