"""The controls of a list page, built as plain markup: the search box, the filters behind the
Filters button, the active filters as removable chips and the sortable column headers.

Built in Python from the filter form's fields (no crispy-forms, no widget templates): a list
page is computed on every request and its filters must cost little more than their choices.
A widget the kit does not know (a module's own) is rendered by Django as usual.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from opsbase.conf import setting
from opsbase.core.cache import stamped_get, stamped_set
from opsbase.kernel.tenants.models import Membership
from opsbase.web.querystring import query_with

from .forms import MemberChoiceField, MemberFilterField
from .markup import conditional_escape, format_html
from .rows import Column, RowSpec
from .selectors import member_names

#: The bulk actions that assign the rows to a member: ``assign:<membership pk>``.
ASSIGN = "assign:"


def _person(member: Membership) -> str:
    user = member.user
    return user.get_full_name().strip() or user.email


def members_by_name(request: Any, membership: Membership) -> list[tuple[str, str]]:
    """``(pk, name)`` of the active members of the organization, read once per request."""
    found = getattr(request, "_opsbase_members", None)
    if found is None:
        found = request._opsbase_members = _members_by_name_cached(membership)
    return found


def _members_by_name_cached(membership: Membership) -> list[tuple[str, str]]:
    """The tenant's members by name, kept in the cache for the current auth version (which
    every change to a user, membership, role or tenant replaces) for
    ``OPSBASE_AUTH_CACHE_TIMEOUT`` seconds; read from the database when that is 0 or the
    cache is unreachable."""
    timeout = setting("AUTH_CACHE_TIMEOUT")
    key = f"opsbase:auth:member-names:{membership.tenant_id}"
    found, version = stamped_get(key, "auth") if timeout else (None, None)
    if isinstance(found, list):
        return found
    # Plain values, not members with their users: a list page reads them on every request
    # the cache does not answer, and only the key and the name are shown.
    people = member_names(tenant_id=membership.tenant_id)
    names: list[tuple[str, str]] = []
    for person in people:
        name = f"{person['user__first_name']} {person['user__last_name']}".strip()
        names.append((str(person["pk"]), name or person["user__email"]))
    names.sort(key=lambda item: item[1].casefold())
    if timeout:
        stamped_set(key, version, names, timeout)
    return names


def field_choices(field: forms.Field, request: Any = None) -> list[tuple[str, str]]:
    """``(value, label)`` of a choice field, people by name (one query for a model field;
    the organization's members read once per request)."""
    if not isinstance(field, forms.ModelChoiceField):
        return [(str(value), str(label)) for value, label in getattr(field, "choices", ())]
    choices = _fixed_choices(field)
    membership = getattr(request, "membership", None)
    if _is_people(field) and membership is not None:
        return choices + members_by_name(request, membership)
    for obj in field.queryset or ():
        label = _person(obj) if isinstance(obj, Membership) else field.label_from_instance(obj)
        choices.append((str(obj.pk), label))
    return choices


def options_html(choices: Iterable[tuple[Any, Any]], selected: Any) -> SafeString:
    """The ``<option>`` elements of *choices* (``(value, label)``), the one whose value
    equals *selected* marked selected: built as text, a list page has a few dozen."""
    return mark_safe(  # noqa: S308 - escaped parts only
        "".join(
            [
                f'<option value="{conditional_escape(value)}"'
                f"{' selected' if value == selected else ''}>{conditional_escape(label)}</option>"
                for value, label in choices
            ]
        )
    )


def optgroups_html(
    groups: Iterable[tuple[Any, Iterable[tuple[Any, Any]]]], later: str = ""
) -> SafeString:
    """``<optgroup>`` elements of ``(label, choices)`` groups, none selected. *later*: the
    group that offers this value is marked ``data-opsbase-later`` (the page adds to it)."""
    parts = []
    for label, choices in groups:
        choices = list(choices)
        mark = " data-opsbase-later" if later and any(v == later for v, _ in choices) else ""
        parts.append(
            f'<optgroup label="{conditional_escape(label)}"{mark}>'
            f"{options_html(choices, None)}</optgroup>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - escaped parts only


@dataclass
class Control:
    """One filter of the panel: its label, its markup and its errors."""

    name: str
    label: str
    html: SafeString
    errors: list[str]
    id: str
    is_search: bool = False


@dataclass
class Chip:
    """An active filter: what it says and the list without it."""

    name: str
    text: str
    remove_url: str


def _is_people(field: forms.Field) -> bool:
    return isinstance(field, MemberChoiceField | MemberFilterField)


def _fixed_choices(field: forms.Field) -> list[tuple[str, str]]:
    """What a record choice offers besides the records: "any" (the empty label), and
    "none" when it may filter for no record."""
    choices: list[tuple[str, str]] = []
    if getattr(field, "empty_label", None) is not None:
        choices.append(("", str(field.empty_label)))  # type: ignore[attr-defined]
    null_label = getattr(field, "null_label", None)
    if null_label is not None:
        choices.append((str(getattr(field, "null_value", "null")), str(null_label)))
    return choices


#: A people filter's select without its members: they are fetched (``members_url``) and
#: added when the filter panel first shows it, never while the list is computed.
_LATER = ' hx-get="{}" hx-trigger="intersect once" hx-swap="beforeend" hx-params="none"'


def _control(
    bound: forms.BoundField,
    value: str,
    choices: list[tuple[str, str]] | None,
    members_url: str = "",
) -> str:
    widget = bound.field.widget
    control_id = bound.auto_id or bound.name
    # An invalid field says so to assistive technology, and where its message is.
    invalid = (
        format_html(' aria-invalid="true" aria-describedby="{}_error"', control_id)
        if bound.errors
        else ""
    )
    css = " is-invalid" if bound.errors else ""
    if choices is not None:
        options = options_html(choices, value)
        later = format_html(_LATER, members_url) if members_url else ""
        return format_html(
            '<select name="{}" class="form-select{}" id="{}"{}{}>{}</select>',
            bound.html_name,
            css,
            control_id,
            invalid,
            later,
            options,
        )
    if isinstance(widget, forms.widgets.Input) and not isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<input type="{}" name="{}" class="form-control{}" id="{}" value="{}"{}>',
            widget.attrs.get("type") or widget.input_type,
            bound.html_name,
            css,
            control_id,
            value,
            invalid,
        )
    return str(bound)  # a widget of the module's own: Django renders it


class ListControls:
    """The search box, filter panel, chips and headers of one list page's request.

    With *members_url* (the entity's ``members`` page), a people filter that is not in use
    is sent without the organization's members: its select fetches them when the filter
    panel first shows it (htmx), so a list costs no query for them (nor a large tenant's
    hundreds of options in every page). One in use lists them, the chosen one selected."""

    def __init__(
        self,
        form: forms.Form | None,
        query: QueryDict,
        request: Any = None,
        members_url: str = "",
    ) -> None:
        self.query = query
        self.search: Control | None = None
        self.controls: list[Control] = []
        self.chips: list[Chip] = []
        if form is None:
            return
        data: Mapping[str, Any] = form.data if form.is_bound else {}
        for index, bound in enumerate(form.visible_fields()):
            value = str(data.get(bound.html_name, "") or "")
            field = bound.field
            if members_url and not value and _is_people(field) and _member_of(request):
                fixed = _fixed_choices(field)
                self._add(_make_control(index, bound, value, fixed, members_url))
                continue
            choices = (
                field_choices(field, request) if isinstance(field, forms.ChoiceField) else None
            )
            self._add(_make_control(index, bound, value, choices))
            if value:
                shown = dict(choices).get(value, value) if choices is not None else value
                text = value if index == 0 else f"{bound.label}: {shown}"
                self.chips.append(
                    Chip(
                        bound.name, text, query_with(query, **{bound.html_name: None, "page": None})
                    )
                )

    @classmethod
    def unbound(
        cls, form: forms.Form, query: QueryDict, request: Any = None, members_url: str = ""
    ) -> ListControls:
        """The controls of an unfiltered list, from the filter set's shared form without data
        (``FormClassBuiltOnce.unbound_form``): every control but the members' is the same on
        each request, so it is built once with the form; the members are the request's (or,
        with *members_url*, fetched when the panel opens)."""
        kept: list[tuple[int, forms.BoundField, Control | None]] | None = getattr(
            form, "_opsbase_controls", None
        )
        if kept is None:
            kept = []
            for index, bound in enumerate(form.visible_fields()):
                field = bound.field
                if isinstance(field, forms.ModelChoiceField):
                    kept.append((index, bound, None))  # the request's members
                    continue
                choices = field_choices(field) if isinstance(field, forms.ChoiceField) else None
                kept.append((index, bound, _make_control(index, bound, "", choices)))
            form._opsbase_controls = kept  # type: ignore[attr-defined]
        controls = cls(None, query, request)
        later = members_url if _member_of(request) else ""
        for index, bound, control in kept:
            if control is None:
                field = bound.field
                if later and _is_people(field):
                    control = _make_control(index, bound, "", _fixed_choices(field), later)
                else:
                    control = _make_control(index, bound, "", field_choices(field, request))
            controls._add(control)
        return controls

    def _add(self, control: Control) -> None:
        if control.is_search:
            self.search = control
        else:
            self.controls.append(control)

    @property
    def errors(self) -> bool:
        return any(control.errors for control in self.controls)


def _member_of(request: Any) -> bool:
    return getattr(request, "membership", None) is not None


def _make_control(
    index: int,
    bound: forms.BoundField,
    value: str,
    choices: list[tuple[str, str]] | None,
    members_url: str = "",
) -> Control:
    """The control of *bound* showing *value*: the first field, when it is text, is the
    search box. *members_url*: a people filter's members are fetched from there."""
    control = Control(
        bound.name,
        str(bound.label),
        mark_safe(_control(bound, value, choices, members_url)),  # noqa: S308 - escaped parts
        [str(e) for e in bound.errors],
        bound.auto_id or bound.name,
    )
    if index == 0 and choices is None:
        control.html = format_html(
            '<input class="form-control" type="search" id="{}" name="{}" value="{}" '
            'placeholder="{}">',
            control.id,
            bound.html_name,
            value,
            _("Search…"),
        )
        control.is_search = True
    return control


def fields_html(controls: Sequence[Control]) -> SafeString:
    """The filter panel's fields: each control with its label and its errors, in a column of
    the panel's grid (what the content template's loop over ``controls.controls`` gave)."""
    parts = []
    for control in controls:
        control_id = conditional_escape(control.id)
        errors = ""
        if control.errors:
            said = " ".join(conditional_escape(error) for error in control.errors)
            errors = f'<div class="invalid-feedback d-block" id="{control_id}_error">{said}</div>'
        parts.append(
            '<div class="col-12 col-sm-6 col-lg-3 mb-3">'
            f'<label class="form-label" for="{control_id}">{conditional_escape(control.label)}'
            f"</label>{conditional_escape(control.html)}{errors}</div>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - escaped parts only


@dataclass
class Header:
    """A column header: its label, and when the column sorts, the link and the direction."""

    column: Column
    label: str
    url: str
    sorted: str  # "ascending", "descending" or ""
    css: str


_ARROWS = {
    "ascending": ' <i class="bi bi-arrow-up" aria-hidden="true"></i>',
    "descending": ' <i class="bi bi-arrow-down" aria-hidden="true"></i>',
    "": "",
}


def header_cells(found: Sequence[Header]) -> SafeString:
    """The ``<th>`` of each header: a link that sorts by the column where it sorts, with the
    direction it is sorted in (``aria-sort`` and an arrow)."""
    cells = []
    for header in found:
        attrs = f' aria-sort="{header.sorted}"' if header.sorted else ""
        if header.css:
            attrs += f' class="{conditional_escape(header.css)}"'
        label: str = conditional_escape(header.label)
        if header.url:
            label = (
                f'<a class="opsbase-sort" href="{conditional_escape(header.url)}">'
                f"{label}{_ARROWS[header.sorted]}</a>"
            )
        cells.append(f'\n        <th scope="col"{attrs}>{label}</th>')
    return mark_safe("".join(cells))  # noqa: S308 - escaped parts only


def headers(spec: RowSpec, columns: Sequence[Column], sort: str, query: QueryDict) -> list[Header]:
    """The table's headers; a column the spec sorts by links to the list sorted by it (again:
    the other way)."""
    found = []
    for column in columns:
        key = column.name if column.name in spec.sorts else ""
        if not key:
            found.append(Header(column, column.table_label, "", "", column.td_class))
            continue
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else ""
        wanted = f"-{key}" if state == "ascending" else key
        url = query_with(query, sort=wanted, page=None)
        found.append(Header(column, column.table_label, url, state, column.td_class))
    return found
