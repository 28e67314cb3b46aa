"""Row specifications: an entity's shape, written once, read by every list of it.

A module declares the columns of its records once::

    TASK_ROWS = RowSpec(
        Task,
        columns=[
            Number("id", table=False),
            Text("title", link=True),
            State("status", badges=STATUS_BADGES, label_key="status_label"),
            Choice("priority", badges=PRIORITY_BADGES),
            Date("due_date", table_label=_("Due"), flag="is_overdue"),
            Computed("is_overdue", lambda row, fmt: ..., label=_("Overdue")),
            Person("assignee", email_key="assignee_email", empty=_("Unassigned")),
            DateTime("created_at", table=False),
        ],
        sorts={"created_at": "created_at", "priority": Rank("priority", PRIORITY_RANK)},
        default_sort="-created_at",
    )

and the kit reads it everywhere a list of them appears:

* the selector: ``spec.rows(queryset)`` reads exactly the columns' values (``values()``: plain
  dicts, joined people included, no model instances), ``spec.paged(queryset)`` is the same
  for a paginator (the records counted alone, a page's keys first: ``PagedRows``), and
  ``spec.order(queryset, terms)``
  sorts by the public sort keys (computed ranks such as priority; empty values last; the
  primary key breaks ties so pages never repeat or skip a row);
* the API: ``spec.api_row(row, fmt)`` is the JSON of one record (the serializer's own output,
  ``opsbase.kit.api``), ``spec.api_fields()`` documents it;
* the HTML table: ``spec.table_rows(rows, fmt)`` builds the ``<tr>`` of a page in one pass,
  what is the same on every row worked out once (``kit/_table.html`` and the detail page);
* the CSV: ``spec.csv_header()`` and ``spec.csv_values(row, fmt)`` (``opsbase.kit.csv_export``),
  and ``column.parse_csv()`` reads an exported file back (``opsbase.kit.csv_import``).

A row is a dict keyed by the ORM paths the columns read (``"assignee__user__email"``);
``spec.row_of(obj)`` makes the same dict from a model instance, so a record just saved is
answered exactly as a list shows it. Formats: dates and date-times (the API's own formats;
pages show the active language's short date and date-time formats, in the active time
zone), choices by their label
(with a badge class per value), people by name (e-mail when they have none; the API and
the CSV give the e-mail), a workflow state with the moves the member may make.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.signals import setting_changed
from django.db import connections, models
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.encoding import force_str
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings
from rest_framework.utils.field_mapping import needs_label

from opsbase.core.compiled import compiled
from opsbase.core.text import text_of
from opsbase.kit.markup import conditional_escape, escape, format_html, mark_safe
from opsbase.kit.money import money_text, number_text, quantize
from opsbase.web.csv import csv_uncell
from opsbase.web.urlcache import reverse_pattern

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


_INSTANCE = "_instance"  # a row made from a model instance keeps it under this key
# Where a layout (``RowFormat.layout``) takes a row's id and name: no escaped text holds NUL.
_FIELD = "\x00"
_PK_FIELD = f"{_FIELD}pk{_FIELD}"
_NAME_FIELD = f"{_FIELD}name{_FIELD}"


def _path_attrs(path: str) -> list[str]:
    return path.split("__")


def _walk(obj: Any, path: str) -> Any:
    """The value at the ORM *path* of *obj* (``assignee__user__email``), None past a None."""
    for attr in _path_attrs(path):
        if obj is None:
            return None
        obj = getattr(obj, attr)
    return obj


@functools.lru_cache(maxsize=256)
def _choice_labels(model: type[models.Model], name: str, language: str | None) -> dict[str, str]:
    """What ``get_<name>_display()`` shows for each value, in *language* (cached per one)."""
    field = model._meta.get_field(name)
    return {
        str(value): force_str(label, strings_only=True)
        for value, label in getattr(field, "flatchoices", ())
    }


def _datetime_representation() -> Callable[[Any], Any]:
    """``DateTimeField().to_representation``, character for character, without its per-call
    look-ups (settings, the active time zone) when the format is ISO 8601: an answer formats
    two moments a row."""
    field = serializers.DateTimeField()
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if output_format is None or str(output_format).lower() != ISO_8601:
        return field.to_representation
    zone = field.default_timezone()
    if zone is None:
        return field.to_representation

    # The database's moments are in UTC (Django's connection time zone): in a UTC zone they
    # need no conversion, and their ISO text ends in +00:00, which DRF writes as Z.
    utc = datetime.UTC
    in_utc = zone is utc or getattr(zone, "key", None) == "UTC"

    def represent(value: Any) -> Any:
        if in_utc and type(value) is datetime.datetime and value.tzinfo is utc:
            return value.isoformat()[:-6] + "Z"
        if not value or isinstance(value, str) or timezone.is_naive(value):
            return field.to_representation(value)
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return field.to_representation(value)  # DRF's own error
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return represent


@functools.lru_cache(maxsize=4096)
def _date_text(value: datetime.date, format_string: str, language: str | None) -> str:
    """*value* as pages show it in *format_string*: the same text for the same date, format
    and language (which names the months), so worked out once per process rather than once
    per cell (Django's formatter costs a list of 50 dates half a millisecond)."""
    return date_format(value, format_string)


class RowFormat:
    """What is the same for every row of one answer, worked out once: today's date, the
    formatters, labels in the active language, URL patterns, the member and the CSRF field."""

    def __init__(
        self,
        spec: RowSpec,
        *,
        membership: Any = None,
        csrf_token: str = "",
        select_form: str = "",
        shared_menus: bool = False,
    ) -> None:
        self.spec = spec
        #: The id of the bulk form a row's check box belongs to (none: rows have no box).
        self.select_form = select_form
        #: A table of rows (a list page): the rows of one state share their menu of moves,
        #: sent once as a ``<template>`` that the page's script puts in place when a row's
        #: menu opens. Otherwise (a record's page, the block a move answers) each block
        #: carries its own.
        self.shared_menus = shared_menus
        self.membership = membership
        self.csrf_token = csrf_token
        self.today = timezone.localdate()
        self.language = translation.get_language()
        self._urls: dict[str, str] = {}
        self._once: dict[Any, Any] = {}
        self._named_row: Any = None
        self._name = ""
        #: State columns' row layouts, by (column, state, of the member's tenant).
        self.layouts: dict[tuple[Any, Any, bool], list[str]] = {}

    # The API's formats, as its serializers' date and date-time fields give them (made on
    # first use: a page shows neither).
    @functools.cached_property
    def date(self) -> Callable[[Any], Any]:
        return serializers.DateField().to_representation

    @functools.cached_property
    def datetime(self) -> Callable[[Any], Any]:
        return _datetime_representation()

    @functools.cached_property
    def date_format(self) -> str:
        """How pages show a date in the active language (its short format)."""
        return str(get_format("SHORT_DATE_FORMAT"))

    @functools.cached_property
    def datetime_format(self) -> str:
        return str(get_format("SHORT_DATETIME_FORMAT"))

    def once(self, key: Any, compute: Callable[[], Any]) -> Any:
        """*compute()* the first time *key* is asked for in this answer (a translated text,
        a column's label): the same for every row, worked out once."""
        if key not in self._once:
            self._once[key] = compute()
        return self._once[key]

    def labels(self, name: str) -> dict[str, str]:
        return _choice_labels(self.spec.model, name, self.language)

    @staticmethod
    def layout(markup: str) -> list[str]:
        """*markup* the same on every row but for the record's id and name, written with
        ``_PK_FIELD`` and ``_NAME_FIELD`` in their places, split there for ``fill``: its
        text and its fields' names, in turn. (Not a format string: ``str.format`` parses a
        state's kilobyte of markup anew for every row.)"""
        return markup.split(_FIELD)

    @staticmethod
    def fill(layout: list[str], pk: str, name: str) -> SafeString:
        """*layout* with the record's escaped *pk* and *name* in their places."""
        parts = layout.copy()
        parts[1::2] = [pk if field == "pk" else name for field in layout[1::2]]
        return SafeString("".join(parts))

    def escaped_name(self, row: Mapping[str, Any]) -> str:
        """The record's name (``RowSpec.record_label``), escaped: several cells of a row show
        it, so it is worked out once for the row being built."""
        if row is not self._named_row:
            self._named_row = row
            self._name = escape(self.spec.record_label(row))
        return self._name

    def url(self, page: str, pk: Any) -> str:
        """The URL of the record *pk*'s *page* (``detail``, ``transition``)."""
        return self.url_pattern(page).format(pk=pk)

    def url_pattern(self, page: str) -> str:
        """The URL of a record's *page* with ``{pk}`` for its id."""
        pattern = self._urls.get(page)
        if pattern is None:
            pattern = self._urls[page] = reverse_pattern(self.spec.url_name(page), "pk")
        return pattern

    @functools.cached_property
    def csrf_input(self) -> str:
        token = self.csrf_token
        if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's "no token" marker
            return ""
        return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


# -- columns ----------------------------------------------------------------------------------


class Column:
    """One value of a record as every list shows it. *name* is its key in the API and its
    header in the CSV; *source* the ORM path it reads (the name by default)."""

    #: Free text: a long unbroken word wraps anywhere in its cell (``opsbase-wrap``), rather
    #: than widening the table; the short values of other columns keep their words whole.
    wrap = True

    def __init__(
        self,
        name: str,
        label: _StrOrPromise | None = None,
        *,
        source: str | None = None,
        table_label: _StrOrPromise | None = None,
        api: bool = True,
        csv: bool = True,
        table: bool = True,
        detail: bool = True,
        testid: str | None = None,
        td_class: str = "",
        hide_empty: bool = False,
        cell_template: str | None = None,
    ) -> None:
        self.name = name
        #: A template rendering the cell (context: ``row``, ``column``, ``value``, ``fmt``)
        #: instead of ``cell()``: slower, for a page that wants its own markup.
        self.cell_template = cell_template
        self.source = source or name
        self._label = label
        self._table_label = table_label
        self.api, self.csv, self.table, self.detail = api, csv, table, detail
        self.testid = testid or name
        self.td_class = td_class
        self.hide_empty = hide_empty
        self.spec: RowSpec | None = None

    def bind(self, spec: RowSpec) -> None:
        self.spec = spec

    @property
    def model(self) -> type[models.Model]:
        assert self.spec is not None, f"column {self.name!r} is not part of a RowSpec"  # noqa: S101
        return self.spec.model

    def model_field(self) -> models.Field[Any, Any] | None:
        try:
            field = self.model._meta.get_field(self.source.split("__")[0])
        except Exception:  # noqa: BLE001 - a computed column: no field of its own
            return None
        return field if isinstance(field, models.Field) else None

    @property
    def label(self) -> str:
        if self._label is not None:
            return text_of(self._label)
        field = self.model_field()
        return capfirst(text_of(field.verbose_name)) if field is not None else capfirst(self.name)

    @property
    def table_label(self) -> str:
        return text_of(self._table_label) if self._table_label is not None else self.label

    # What it reads.
    def select(self) -> list[str]:
        return [self.source]

    def value(self, row: Mapping[str, Any]) -> Any:
        return row[self.source]

    def is_empty(self, row: Mapping[str, Any]) -> bool:
        return self.value(row) in (None, "")

    # The API.
    def api_items(self, row: Mapping[str, Any], fmt: RowFormat) -> list[tuple[str, Any]]:
        return [(self.name, self.value(row))]

    def api_fields(self) -> dict[str, serializers.Field]:
        return {self.name: serializers.CharField(**self._source())}

    def _dotted(self) -> str:
        return ".".join(_path_attrs(self.source))

    def _source(self, dotted: str | None = None) -> dict[str, Any]:
        """The keywords of a read-only serializer field of this column: ``source=`` (DRF
        refuses the field's own name), and, for a field of the model, its label and whether
        it may be null (as a ``ModelSerializer`` would document it)."""
        dotted = dotted or self._dotted()
        found: dict[str, Any] = {"read_only": True}
        if dotted != self.name:
            found["source"] = dotted
        field = self.model_field() if dotted == self._dotted() else None
        if field is not None:
            if not field.primary_key and needs_label(field, self.name):
                found["label"] = capfirst(str(field.verbose_name))
            found["allow_null"] = bool(field.null)
        return found

    # The CSV.
    def csv_text(self, row: Mapping[str, Any], fmt: RowFormat) -> str:
        value = self.value(row)
        return "" if value is None else str(value)

    def parse_csv(self, text: str, context: ImportContext) -> Any:
        """The value a form accepts for what ``csv_text`` wrote (import of an export)."""
        return csv_uncell(text.strip())

    # The page.
    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        value = self.value(row)
        if value in (None, ""):
            return _muted("—")
        return conditional_escape(value)


def _muted(text: Any) -> SafeString:
    return format_html('<span class="text-body-secondary">{}</span>', text)


class Number(Column):
    wrap = False

    def api_fields(self) -> dict[str, serializers.Field]:
        return {self.name: serializers.IntegerField(**self._source())}

    def parse_csv(self, text: str, context: ImportContext) -> Any:
        return text.strip()


class Amount(Column):
    """A decimal amount (a price, a deal's value): a string in the API (``"1200.00"``, as
    DRF's ``DecimalField`` writes it), the plain number in the CSV and on pages."""

    def api_items(self, row: Mapping[str, Any], fmt: RowFormat) -> list[tuple[str, Any]]:
        value = self.value(row)
        return [(self.name, None if value is None else str(value))]

    def api_fields(self) -> dict[str, serializers.Field]:
        field = self.model_field()
        digits = getattr(field, "max_digits", None) or 20
        places = getattr(field, "decimal_places", None) or 2
        return {
            self.name: serializers.DecimalField(
                max_digits=digits, decimal_places=places, **self._source()
            )
        }

    def parse_csv(self, text: str, context: ImportContext) -> Any:
        return text.strip()

    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        value = self.value(row)
        if value in (None, ""):
            return _muted("—")
        return conditional_escape(number_text(value, language=fmt.language))


class Money(Amount):
    """An amount in a currency (an invoice's total, a deal's value, a budget), in that
    currency's minor units everywhere (``"1242.00"`` in EUR, ``"1242"`` in JPY); the page
    groups its digits as the reader's language does and names the currency, so a list of
    several currencies is never ambiguous. *currency* is the path of the currency code."""

    def __init__(
        self, name: str, label: _StrOrPromise | None = None, *, currency: str = "currency",
        **kwargs: Any,
    ) -> None:  # fmt: skip
        self.currency = currency
        super().__init__(name, label, **kwargs)

    def select(self) -> list[str]:
        return [self.source, self.currency]

    def value(self, row: Mapping[str, Any]) -> Any:
        value = row[self.source]
        return None if value is None else quantize(value, row[self.currency])

    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        value = self.value(row)
        if value is None:
            return _muted("—")
        return format_html(
            '{} <span class="text-body-secondary small">{}</span>',
            money_text(value, row[self.currency], language=fmt.language),
            row[self.currency],
        )


class Text(Column):
    """Text; with ``link=True`` the page shows it as the link to the record."""

    def __init__(self, name: str, label: _StrOrPromise | None = None, **kwargs: Any) -> None:
        self.link = kwargs.pop("link", False)
        super().__init__(name, label, **kwargs)

    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        if not self.link:
            return super().cell(row, fmt)
        start, end = fmt.once((self.name, "link"), lambda: _link_parts(fmt))
        if end is None:
            return SafeString("".join((start, escape(self.value(row)), "</a>")))
        return SafeString("".join((start, escape(row["id"]), end, escape(self.value(row)), "</a>")))


def _link_parts(fmt: RowFormat) -> tuple[str, str | None]:
    """The markup of a record's link up to its id, and from there to its text (None: the
    URL holds no id, the first part is the whole opening tag)."""
    href = escape(fmt.url_pattern("detail"))
    testid = f'data-testid="{escape(fmt.spec.prefix)}-link">'
    start, found, end = href.partition("{pk}")
    if not found:
        return f'<a href="{href}" {testid}', None
    return f'<a href="{start}', f'{end}" {testid}'


class LongText(Column):
    """Text of several lines: a block of its own on the detail page, never a table column."""

    def __init__(self, name: str, label: _StrOrPromise | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("table", False)
        super().__init__(name, label, **kwargs)


class File(Column):
    """A stored file (a ``FileField``): its name, or null when none is attached. The page
    and the CSV leave it out unless asked; a module links the download itself."""

    def __init__(self, name: str, label: _StrOrPromise | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("table", False)
        kwargs.setdefault("csv", False)
        super().__init__(name, label, **kwargs)

    def value(self, row: Mapping[str, Any]) -> Any:
        # A name from a query of values; a FieldFile from an instance (row_of).
        stored = row[self.source]
        return getattr(stored, "name", stored) or None

    def api_fields(self) -> dict[str, serializers.Field]:
        return {self.name: serializers.CharField(**{**self._source(), "allow_null": True})}


class Date(Column):
    """A date; ``flag`` names a computed column whose truth adds a badge (``Overdue``)."""

    wrap = False

    def __init__(self, name: str, label: _StrOrPromise | None = None, **kwargs: Any) -> None:
        self.flag = kwargs.pop("flag", None)
        kwargs.setdefault("td_class", "text-nowrap")
        super().__init__(name, label, **kwargs)

    def api_items(self, row: Mapping[str, Any], fmt: RowFormat) -> list[tuple[str, Any]]:
        value = self.value(row)
        return [(self.name, fmt.date(value) if value is not None else None)]

    def api_fields(self) -> dict[str, serializers.Field]:
        return {self.name: serializers.DateField(**self._source())}

    def csv_text(self, row: Mapping[str, Any], fmt: RowFormat) -> str:
        value = self.value(row)
        return value.isoformat() if value is not None else ""

    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        value = self.value(row)
        if value is None:
            shown: str = _muted("—")
        else:
            shown = _date_text(value, fmt.date_format, fmt.language)
        if self.flag is None:
            return conditional_escape(shown)
        flag = fmt.once((self.name, "flag"), lambda: fmt.spec.column(self.flag))
        if not flag.value_for(row, fmt):
            return conditional_escape(shown)
        badge = fmt.once(
            (self.name, "badge"),
            lambda: format_html(
                '<span class="badge text-bg-danger ms-1" data-testid="{}-{}">{}</span>',
                fmt.spec.prefix,
                flag.testid.removeprefix("is_"),
                flag.label,
            ),
        )
        return format_html("{}{}", shown, badge)


class DateTime(Column):
    """A moment: the API's ISO format; pages show it in the active time zone."""

    wrap = False

    def api_items(self, row: Mapping[str, Any], fmt: RowFormat) -> list[tuple[str, Any]]:
        value = self.value(row)
        return [(self.name, fmt.datetime(value) if value is not None else None)]

    def api_fields(self) -> dict[str, serializers.Field]:
        return {self.name: serializers.DateTimeField(**self._source())}

    def csv_text(self, row: Mapping[str, Any], fmt: RowFormat) -> str:
        value = self.value(row)
        return value.isoformat() if value is not None else ""

    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        value = self.value(row)
        if value is None:
            return _muted("—")
        return conditional_escape(date_format(timezone.localtime(value), fmt.datetime_format))


class Choice(Column):
    """One of a field's choices: its value in the API (with ``label_key``, its label too),
    its label in the CSV and on pages, in a badge when *badges* maps values to classes."""

    wrap = False

    def __init__(self, name: str, label: _StrOrPromise | None = None, **kwargs: Any) -> None:
        self.badges: Mapping[str, str] | None = kwargs.pop("badges", None)
        self.label_key: str | None = kwargs.pop("label_key", None)
        super().__init__(name, label, **kwargs)

    def value(self, row: Mapping[str, Any]) -> Any:
        value = row[self.source]
        return str(value) if value is not None else None

    def api_items(self, row: Mapping[str, Any], fmt: RowFormat) -> list[tuple[str, Any]]:
        value = self.value(row)
        items = [(self.name, value)]
        if self.label_key:
            items.append((self.label_key, fmt.labels(self.source).get(value, value)))
        return items

    def api_fields(self) -> dict[str, serializers.Field]:
        field = self.model_field()
        choices = getattr(field, "choices", None) or ()
        fields: dict[str, serializers.Field] = {
            self.name: serializers.ChoiceField(choices=choices, read_only=True)
        }
        if self.label_key:
            fields[self.label_key] = serializers.CharField(
                source=f"get_{self.source}_display", read_only=True
            )
        return fields

    def csv_text(self, row: Mapping[str, Any], fmt: RowFormat) -> str:
        value = self.value(row)
        return fmt.labels(self.source).get(value, value or "")

    def parse_csv(self, text: str, context: ImportContext) -> Any:
        wanted = text.strip().casefold()
        for value, label in context.labels(self.model, self.source).items():
            if wanted in (value.casefold(), label.casefold()):
                return value
        return text.strip()  # the form says it is not one of the choices

    def badge(self, value: str | None) -> str:
        return (self.badges or {}).get(value or "", "text-bg-secondary")

    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        value = self.value(row)
        return fmt.once((self.name, "cell", value), lambda: self._cell_of(value, fmt))

    def _cell_of(self, value: str | None, fmt: RowFormat) -> SafeString:
        label = fmt.labels(self.source).get(value or "", value)
        if self.badges is None:
            return conditional_escape(label)
        return format_html('<span class="badge {}">{}</span>', self.badge(value), label)


class State(Choice):
    """A workflow state: its badge and, on pages, one menu of the moves the member may make
    there (the badge opens it), each a button of one form posted to the record's
    ``transition`` page (htmx swaps the block)."""

    @staticmethod
    def _buttons(moves: Sequence[Any]) -> SafeString:
        move_to = _("Move to %(target)s")
        return mark_safe(  # noqa: S308 - escaped parts only
            "\n".join(
                [
                    format_html(
                        '<li><button type="submit" name="transition" value="{}" '
                        'class="dropdown-item" data-testid="transition-{}" title="{}">{}'
                        "</button></li>",
                        m.name,
                        m.name,
                        move_to % {"target": m.target_label},
                        m.label,
                    )
                    for m in moves
                ]
            )
        )

    def cell(self, row: Mapping[str, Any], fmt: RowFormat, error: str = "") -> SafeString:
        value = self.value(row)
        membership = fmt.membership
        own = membership is not None and membership.tenant_id == row["tenant_id"]
        key = (self, value, own)
        layout = fmt.layouts.get(key)
        menu = ""
        if layout is None:
            layout, menu = self._shared_layout(fmt, value, own)
            fmt.layouts[key] = layout
        if layout and not error:
            # The same block for every row in this state but for its id and name: built once
            # with those two as fields, then filled per row. The first row in the state
            # brings the menu the others share (``RowFormat.shared_menus``).
            block = fmt.fill(layout, escape(row["id"]), fmt.escaped_name(row))
            return SafeString(menu + block) if menu else block
        from opsbase.kernel.workflows import transitions_available

        options = self._moves_for_every(fmt, value) if own else ()
        if options is None:
            obj = fmt.spec.instance(row)
            options = transitions_available(membership=membership, obj=obj, state_field=self.source)
        pk, name = escape(row["id"]), fmt.escaped_name(row)
        return mark_safe(self._block(fmt, value, _moves(options), pk, name, error))  # noqa: S308

    def _moves_for_every(self, fmt: RowFormat, value: Any) -> Any:
        """The moves from *value* when they are the same for every row of the member's
        tenant (no guard or ownership rule tells the rows apart: a Manager's list), asked
        once per state; None when each row must be asked."""
        from opsbase.kernel.workflows import transitions_for_every

        return fmt.once(
            (self.name, "moves", value),
            lambda: transitions_for_every(
                membership=fmt.membership,
                model=fmt.spec.model,
                state=value,
                state_field=self.source,
            ),
        )

    def _shared_layout(self, fmt: RowFormat, value: Any, own: bool) -> tuple[list[str], str]:
        """The layout of every row in *value* (``own``: of the member's tenant), or none
        (empty) when the rows' moves differ: each row is then built on its own. With it,
        the ``<template>`` of the menu the rows share (``RowFormat.shared_menus``), if any."""
        shared = self._moves_for_every(fmt, value) if own else ()
        return ([], "") if shared is None else self._layout(fmt, value, shared)

    def _layout(self, fmt: RowFormat, value: Any, options: Sequence[Any]) -> tuple[list[str], str]:
        """The block of *value* with *options* as a layout (``RowFormat.layout``), and the
        template of its menu when the rows share it. The markup follows from what the key
        names alone (the moves, their words in the language, the URLs, the CSRF field), so
        it is built once per process, not once per list."""
        moves = _moves(options)
        shared = fmt.shared_menus and bool(moves)
        key = (
            self,
            fmt.language,
            value,
            fmt.url_pattern("transition") if moves else "",
            fmt.csrf_input if moves else "",
            tuple((m.name, m.label, m.target_label) for m in moves),
            shared,
        )
        found = _LAYOUTS.get(key)
        if found is None:
            if len(_LAYOUTS) >= _LAYOUTS_KEPT:
                _LAYOUTS.clear()
            menu = self._menu_id(fmt, value) if shared else ""
            block = self._block(fmt, value, moves, _PK_FIELD, _NAME_FIELD, menu=menu)
            template = (
                f'<template id="{menu}">{fmt.csrf_input}'
                f'<ul class="dropdown-menu">{self._buttons(moves)}</ul></template>'
                if shared
                else ""
            )
            found = _LAYOUTS[key] = (fmt.layout(block), template)
        return found

    def _menu_id(self, fmt: RowFormat, value: Any) -> str:
        """The id of the template of the menu shared by a list's rows in *value*."""
        return str(escape(f"{fmt.spec.prefix}-{self.testid}-{value}-moves"))

    def _block(
        self,
        fmt: RowFormat,
        value: Any,
        moves: Sequence[Any],
        pk: str,
        name: str,
        error: str = "",
        menu: str = "",
    ) -> str:
        """The state's block (escaped markup): its badge, and the menu of *moves* when there
        are any. *pk* and *name* are the record's id and name, escaped (or a layout's fields).
        *menu*: the id of the template the menu is taken from when it opens (none: the menu
        is in the block)."""
        spec = fmt.spec
        # What the blocks of a list share (the badge, the menu's items) is built once.
        prefix = fmt.once((self.name, "prefix"), lambda: escape(f"{spec.prefix}-{self.testid}"))
        badge = fmt.once(
            (self.name, "badge", value),
            lambda: format_html(
                '<span class="badge {}" data-testid="{}-badge">{}</span>',
                self.badge(value),
                prefix,
                fmt.labels(self.source).get(value or "", value),
            ),
        )
        inner = badge
        if moves:
            url = escape(fmt.url("transition", pk))
            change = fmt.once(
                (self.name, "change"),
                lambda: escape(
                    _("Change the %(field)s of %(record)s")
                    % {"field": self.label.lower(), "record": "\x01"}
                ),
            )
            label = change.replace("\x01", name)
            if menu:
                items = f' data-opsbase-moves="{menu}">{badge}</button>'
            else:
                buttons = fmt.once(
                    (self.name, tuple(m.name for m in moves)), lambda: self._buttons(moves)
                )
                items = f'>{badge}</button>{fmt.csrf_input}<ul class="dropdown-menu">{buttons}</ul>'
            inner = (
                f'<form method="post" action="{url}" class="dropdown" '
                f'hx-post="{url}" hx-target="#{prefix}-{pk}" hx-swap="outerHTML">'
                '<button type="button" class="btn btn-sm opsbase-state-toggle '
                'dropdown-toggle" '
                f'data-bs-toggle="dropdown" aria-expanded="false" aria-label="{label}" '
                # Fixed: the menu escapes the scrolling table it sits in.
                "data-bs-popper-config='{&quot;strategy&quot;:&quot;fixed&quot;}' "
                f'data-testid="{prefix}-menu"{items}</form>'
            )
        alert = (
            format_html(
                '<div class="w-100 small text-danger" role="alert" data-testid="{}-error">{}</div>',
                prefix,
                error,
            )
            if error
            else ""
        )
        data = fmt.once(
            (self.name, "data", value),
            lambda: format_html('data-testid="{}" data-{}="{}"', prefix, self.testid, value),
        )
        return (
            f'<div id="{prefix}-{pk}" class="d-flex flex-wrap align-items-center gap-1" '
            f"{data}>{inner}{alert}</div>"
        )


#: State blocks as layouts (``State._layout``): a few per state column and language. Bounded
#: all the same (a CSRF field other than the pages' placeholder makes keys of its own).
_LAYOUTS: dict[tuple[Any, ...], tuple[list[str], str]] = {}
_LAYOUTS_KEPT = 512


def _forget_layouts(setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "ROOT_URLCONF", "SECRET_KEY"}:
        _LAYOUTS.clear()


setting_changed.connect(_forget_layouts, dispatch_uid="opsbase_kit_rows_layouts")


def _moves(options: Any) -> list[Any]:
    return [o for o in options or () if o.allowed]


class Person(Column):
    """A person (a foreign key to the user model, or to a membership): shown by name on pages
    (e-mail when they gave none), by e-mail in the CSV. In the API either the id with the
    e-mail under *email_key* (``api_style="id"``), or ``{"id", "email"}`` (``"object"``)."""

    wrap = False

    def __init__(self, name: str, label: _StrOrPromise | None = None, **kwargs: Any) -> None:
        self.api_style: str = kwargs.pop("api_style", "id")
        self.email_key: str | None = kwargs.pop("email_key", None)
        self.empty: _StrOrPromise | None = kwargs.pop("empty", None)
        super().__init__(name, label, **kwargs)

    @functools.cached_property
    def is_membership(self) -> bool:
        field = self.model_field()
        related = getattr(field, "related_model", None)
        return related is not None and related is not get_user_model()

    @property
    def user_path(self) -> str:
        return f"{self.source}__user__" if self.is_membership else f"{self.source}__"

    def select(self) -> list[str]:
        user = self.user_path
        return [f"{self.source}_id", f"{user}email", f"{user}first_name", f"{user}last_name"]

    @functools.cached_property
    def _keys(self) -> tuple[str, str, str, str]:
        """The row's keys of the person's id, e-mail, first and last name (every row asks)."""
        user = self.user_path
        return f"{self.source}_id", f"{user}email", f"{user}first_name", f"{user}last_name"

    def value(self, row: Mapping[str, Any]) -> Any:
        return row[self._keys[0]]

    def email(self, row: Mapping[str, Any]) -> str | None:
        pk, email, _first, _last = self._keys
        return row[email] if row[pk] is not None else None

    def name_of(self, row: Mapping[str, Any]) -> str | None:
        pk, email, first, last = self._keys
        if row[pk] is None:
            return None
        full = f"{row[first] or ''} {row[last] or ''}".strip()
        return full or row[email]

    def api_items(self, row: Mapping[str, Any], fmt: RowFormat) -> list[tuple[str, Any]]:
        pk, email = self.value(row), self.email(row)
        if self.api_style == "object":
            return [(self.name, {"id": pk, "email": email} if pk is not None else None)]
        items = [(self.name, pk)]
        if self.email_key:
            items.append((self.email_key, email))
        return items

    def api_fields(self) -> dict[str, serializers.Field]:
        dotted = ".".join(_path_attrs(self.user_path.rstrip("_")))
        if self.api_style == "object":
            return {
                self.name: PersonSerializer(**{**self._source(), "allow_null": True, "label": None})
            }
        fields: dict[str, serializers.Field] = {
            self.name: serializers.IntegerField(
                **{**self._source(f"{self._dotted()}_id"), "allow_null": True}
            )
        }
        if self.email_key:
            fields[self.email_key] = serializers.EmailField(
                **{**self._source(f"{dotted}.email"), "allow_null": True}
            )
        return fields

    def csv_text(self, row: Mapping[str, Any], fmt: RowFormat) -> str:
        return self.email(row) or ""

    def parse_csv(self, text: str, context: ImportContext) -> Any:
        email = text.strip()
        if not email:
            return None
        return context.person(self, email)

    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        name = self.name_of(row)
        if name is None:
            empty = self.empty
            return fmt.once((self.name, "empty"), lambda: _muted(empty) if empty else "—")
        return conditional_escape(name)


class PersonSerializer(serializers.Serializer):
    """A person: their id and e-mail."""

    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)


class Computed(Column):
    """A value worked out from the row (``is_overdue``): *compute(row, fmt)*; in the API by
    default, not in the CSV nor on pages (another column may show it as a flag). *field* is
    the serializer field documenting it; its source, the model's property of that name."""

    def __init__(
        self,
        name: str,
        compute: Callable[[Mapping[str, Any], RowFormat], Any],
        label: _StrOrPromise | None = None,
        *,
        field: serializers.Field | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("csv", False)
        kwargs.setdefault("table", False)
        kwargs.setdefault("detail", False)
        super().__init__(name, label, **kwargs)
        self.compute = compute
        self.field = field or serializers.BooleanField(read_only=True)

    def select(self) -> list[str]:
        return []

    def value_for(self, row: Mapping[str, Any], fmt: RowFormat) -> Any:
        return self.compute(row, fmt)

    def value(self, row: Mapping[str, Any]) -> Any:
        raise TypeError(f"{self.name} is computed: use value_for(row, fmt)")

    def api_items(self, row: Mapping[str, Any], fmt: RowFormat) -> list[tuple[str, Any]]:
        return [(self.name, self.compute(row, fmt))]

    def api_fields(self) -> dict[str, serializers.Field]:
        import copy

        field = copy.deepcopy(self.field)
        return {self.name: field}

    def csv_text(self, row: Mapping[str, Any], fmt: RowFormat) -> str:
        return str(self.compute(row, fmt))

    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        return conditional_escape(self.compute(row, fmt))


# -- sorting ----------------------------------------------------------------------------------


class Rank:
    """A sort key computed in SQL: each value of *field* ranked (by *ranks*, else in the order
    of the field's choices), annotated only when a list sorts by it."""

    def __init__(self, field: str, ranks: Mapping[Any, int] | None = None) -> None:
        self.field = field
        self.ranks = ranks

    def expression(self, model: type[models.Model]) -> Case:
        ranks = self.ranks
        if ranks is None:
            choices = getattr(model._meta.get_field(self.field), "choices", None) or ()
            ranks = {value: rank for rank, (value, _label) in enumerate(choices, start=1)}
        return Case(
            *(When(**{self.field: str(value)}, then=Value(rank)) for value, rank in ranks.items()),
            default=Value(0),
            output_field=IntegerField(),
        )


# -- the specification -----------------------------------------------------------------------


class ImportContext:
    """What reading a CSV file back needs beyond the text: the importing member (people are
    found among its tenant's members) and the labels of every language."""

    def __init__(self, membership: Any) -> None:
        self.membership = membership
        self._people: dict[tuple[str, str], Any] = {}

    def labels(self, model: type[models.Model], name: str) -> dict[str, str]:
        return _choice_labels(model, name, translation.get_language())

    def person(self, column: Person, email: str) -> Any:
        """The id of the member (or user) of the tenant with *email*, else the e-mail itself
        (which the form refuses as not one of its choices)."""
        key = (column.name, email.casefold())
        if key not in self._people:
            from opsbase.kernel.tenants.models import Membership

            members = Membership.objects.for_tenant(self.membership.tenant_id).filter(
                user__email__iexact=email
            )
            found = members.values_list("pk" if column.is_membership else "user_id", flat=True)
            self._people[key] = next(iter(found), email)
        return self._people[key]


class PagedRows:
    """The rows of an ordered queryset as Django's and DRF's paginators read them.

    One query reading every column of a page joins the people of *every* record before it
    sorts them whenever the planner expects few rows, as it does for a tenant that grew since
    the table's statistics were taken (measured on the benchmark: 3.2 ms for a page of a
    tenant with 3,227 tasks, estimated at 534, against 0.15 ms once analysed). So a page is
    read in two steps, each cheap whatever the statistics say:

    1. the page's keys, in the list's order (an index walk when the order has an index), with
       the number of records in the same query (``_total``): the records alone, without the
       joins of their columns;
    2. those records' columns (``RowSpec.rows``), found by key alone (``by_keys``), people
       joined for one page.

    Two queries, as a count and a page were. When the page asked for is not known beforehand
    or is past the end, the count is a query of its own and the keys are read on slicing.

    A tenant's whole list (no filter, the page a list opens on) takes one query where the
    database can read a sliced sub-select (``IN (SELECT ... LIMIT n)``, PostgreSQL): the rows
    whose keys are in step 1's, with the tenant's count beside them (``_page_query``). The
    keys come first all the same (the sub-select is planned on its own), and it saves a round
    trip and its row-level security setting: measured on the benchmark, 0.91 ms in the
    database, as the two steps took.
    """

    def __init__(self, spec: RowSpec, queryset: QuerySet[Any], *, page: Any, size: Any) -> None:
        self.spec = spec
        self.queryset = queryset
        self._count: int | None = None
        self._keys: dict[tuple[int, int], list[Any]] = {}
        self._rows: dict[tuple[int, int], list[dict[str, Any]]] = {}  # read with the count
        try:
            number, per_page = int(page), int(size)
        except (TypeError, ValueError):
            self._first: tuple[int, int] | None = None
        else:
            # Guessed before the count: a page far past any table's end is not asked of the
            # database (an OFFSET beyond 64 bits is an error there), the paginator refuses it.
            valid = number >= 1 and per_page >= 1 and number * per_page < 2**31
            self._first = ((number - 1) * per_page, number * per_page) if valid else None

    @property
    def ordered(self) -> bool:
        return self.queryset.ordered

    def count(self) -> int:
        if self._count is None:
            self._count = self._count_with_first_page()
        if self._count is None:
            self._count = self.queryset.order_by().count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _count_with_first_page(self) -> int | None:
        if self._first is None:
            return None
        bottom, top = self._first
        queryset: Any = self.queryset  # a TenantQuerySet's methods, where it is one
        shaped = getattr(queryset, "whole_tenant_shape", lambda: None)()
        if shaped is not None and self._in_one_query(queryset):
            shape, tenant = shaped
            query = compiled(
                queryset.model,
                ("kit.page", shape, tuple(self.spec.select), bottom, top),
                lambda other: self._page_query(queryset.for_another_tenant(other), bottom, top),
                [-1],  # no tenant's id
            )
            rows = query.values([tenant])
            if not rows:
                return None
            total = int(rows[0]["paged_total"])
            for row in rows:
                del row["paged_total"]
            self._rows[self._first] = rows
            self._keys[self._first] = [row["id"] for row in rows]
            return total
        if shaped is None:
            found = list(self._keys_query(queryset, bottom, top))
        else:
            # A tenant's whole list: one shape for every tenant, compiled once.
            shape, tenant = shaped
            query = compiled(
                queryset.model,
                ("kit.keys", shape, bottom, top),
                lambda other: self._keys_query(queryset.for_another_tenant(other), bottom, top),
                [-1],  # no tenant's id
            )
            found = query.values([tenant])
        if not found:
            return None  # past the end: the paginator asks for another page
        self._keys[self._first] = [row["pk"] for row in found]
        return int(found[0]["paged_total"])

    def _in_one_query(self, queryset: QuerySet[Any]) -> bool:
        """Whether a whole list's page can come with its count in one query: a database that
        reads a sliced sub-select, rows read by key alone, and an order on the records' own
        columns (the outer query sorts the page by it again)."""
        query = queryset.query
        return bool(
            connections[queryset.db].features.allow_sliced_subqueries_with_in
            and getattr(queryset, "by_keys", None) is not None
            and isinstance(queryset.model._meta.pk, models.IntegerField)
            and not query.annotations
            and not query.extra_order_by
            and query.standard_ordering
        )

    def _page_query(self, queryset: QuerySet[Any], bottom: int, top: int) -> QuerySet[Any]:
        """The rows of [bottom:top] of *queryset* (a tenant's whole list), in its order, each
        with the number of its records: the keys' query as a sub-select."""
        keys = queryset.values("pk")[bottom:top]
        rows = self.spec.rows(queryset.by_keys(keys))  # type: ignore[attr-defined]
        rows = rows.annotate(paged_total=self._total(queryset))
        order = queryset.query.order_by
        return rows.order_by(*order) if order else rows  # else the model's default order

    def _keys_query(self, queryset: QuerySet[Any], bottom: int, top: int) -> QuerySet[Any]:
        """The keys of [bottom:top] of *queryset*, each with the number of its records."""
        total = self._total(queryset)
        return queryset.annotate(paged_total=total).values("pk", "paged_total")[bottom:top]

    def _total(self, queryset: QuerySet[Any]) -> Subquery | Window:
        """The number of records, as a column of the keys' query.

        For a tenant's whole list (no filter), a scalar sub-select (``SELECT count(*) ...``
        inside the keys' query), which PostgreSQL computes once from the tenant's index alone:
        0.45 ms for a tenant of 4,214 tasks against 1.3 ms for ``COUNT(*) OVER ()``, which
        counts while it walks the list's order. With a filter both read every matching record
        anyway, and the window reads them once: a search took 3.3 ms counted apart against
        1.9 ms (``EXPLAIN ANALYZE`` on the benchmark's data). A grouped, distinct or combined
        queryset keeps the window too: it cannot be counted inside itself.
        """
        query = queryset.query
        grouped = query.group_by is not None or any(
            getattr(annotation, "contains_aggregate", False)
            for annotation in query.annotations.values()
        )
        whole = getattr(queryset, "is_whole_tenant", None)
        if grouped or query.distinct or query.combinator or whole is None or not whole():
            return Window(Count("pk"))
        # COUNT(*), not COUNT(id): the tenant's index alone answers it (an index-only scan),
        # where counting the key reads every record (0.34 against 0.46 ms for 4,056 tasks).
        # A plain expression, not Django's aggregate, which would group the sub-select.
        counted = queryset.order_by().annotate(
            paged_count=Func(template="COUNT(*)", output_field=IntegerField())
        )
        return Subquery(counted.values("paged_count"), output_field=IntegerField())

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("PagedRows are read a page (a slice) at a time.")
        keys = self._known_keys(index.start or 0, index.stop)
        if keys is not None and self._first in self._rows:
            return self._rows[self._first][: len(keys)]
        if keys is None:
            keys = list(self.queryset.values_list("pk", flat=True)[index])
        if not keys:
            return []
        by_key = {row["id"]: row for row in self._rows_of(keys)}
        return [by_key[key] for key in keys if key in by_key]

    def _rows_of(self, keys: list[Any]) -> Iterable[dict[str, Any]]:
        """The rows of *keys*: by key alone where the queryset can (``by_keys`` of a tenant's
        queryset), a query compiled once per page size (``opsbase.core.compiled``); else
        filtered from the queryset, as when a column reads one of its annotations."""
        queryset, spec = self.queryset, self.spec
        by_keys = getattr(queryset, "by_keys", None)
        annotated = queryset.query.annotations
        if by_keys is None or any(path.split("__")[0] in annotated for path in spec.select):
            return spec.rows(queryset.filter(pk__in=set(keys)).order_by())
        if not isinstance(queryset.model._meta.pk, models.IntegerField):
            return spec.rows(by_keys(keys))  # the placeholders below are integer keys
        keys = list(dict.fromkeys(keys))
        unscoped = getattr(queryset, "_unscoped", False)
        shape = ("kit.rows", queryset.model, tuple(spec.select), queryset.db, unscoped, len(keys))
        placeholders = [-index for index in range(1, len(keys) + 1)]  # no record's key
        query = compiled(
            queryset.model, shape, lambda *some: spec.rows(by_keys(some)), placeholders
        )
        return query.values(keys)

    def _known_keys(self, bottom: int, top: int | None) -> list[Any] | None:
        """The keys of [bottom:top] when the counting query read them: the paginator cuts
        the last page at the count (``top`` then ends before the page's full size)."""
        if self._first is None or self._first[0] != bottom or self._first not in self._keys:
            return None
        keys = self._keys[self._first]
        full = len(keys) == self._first[1] - bottom
        if top is None:
            return None if full else keys
        if top <= self._first[1] and (full or top - bottom >= len(keys)):
            return keys[: top - bottom]
        return None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.spec.rows(self.queryset))


class RowSpec:
    """The columns, sort keys and URLs of one model's records (see the module docstring)."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        columns: Sequence[Column],
        sorts: Mapping[str, str | Rank] | None = None,
        default_sort: str = "-created_at",
        title: str | None = None,
        urls: Mapping[str, str] | None = None,
    ) -> None:
        self.model = model
        self.columns = list(columns)
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"RowSpec of {model.__name__}: a column name is given twice.")
        for column in self.columns:
            column.bind(self)
        self.sorts: dict[str, str | Rank] = dict(sorts or {})
        self.default_sort = default_sort
        links = [c.name for c in self.columns if isinstance(c, Text) and c.link]
        self.title = title or (links[0] if links else None)
        self._urls = dict(urls or {})
        self.prefix = model._meta.model_name or ""

    def __repr__(self) -> str:
        return f"<RowSpec of {self.model.__name__}: {', '.join(c.name for c in self.columns)}>"

    def column(self, name: str) -> Any:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"RowSpec of {self.model.__name__} has no column {name!r}.")

    def url_name(self, page: str) -> str:
        """The URL name of a record's *page*: as given, else ``<app>:<model>_<page>``."""
        meta = self.model._meta
        return self._urls.get(page) or f"{meta.app_label}:{meta.model_name}_{page}"

    def record_label(self, row: Mapping[str, Any]) -> str:
        if _INSTANCE in row:
            return str(row[_INSTANCE])
        return str(row[self.title]) if self.title else f"#{row['id']}"

    # -- reading ------------------------------------------------------------------------------
    @functools.cached_property
    def select(self) -> list[str]:
        """The ORM paths a row holds: the columns', plus the id and the tenant."""
        paths = ["id", "tenant_id"]
        for column in self.columns:
            paths.extend(p for p in column.select() if p not in paths)
        return paths

    def rows(self, queryset: QuerySet[Any]) -> QuerySet[Any, dict[str, Any]]:
        """*queryset* as plain dicts of the columns' values (one query, people joined)."""
        return queryset.values(*self.select)

    def paged(self, queryset: QuerySet[Any], *, page: Any = None, size: Any = None) -> PagedRows:
        """*queryset*'s rows for a paginator; *page* and *size*, when known, let the count
        and the page's keys come in one query (``PagedRows``)."""
        return PagedRows(self, queryset, page=page, size=size)

    def row_of(self, obj: models.Model) -> dict[str, Any]:
        """*obj* as ``rows()`` reads it (its related objects at hand: no query if joined)."""
        row = {path: _walk(obj, path) for path in self.select}
        for column in self.columns:
            if isinstance(column, Choice) and row.get(column.source) is not None:
                row[column.source] = str(row[column.source])
        row[_INSTANCE] = obj
        return row

    def instance(self, row: Mapping[str, Any]) -> Any:
        """A model instance of *row* (for the policy and the workflow): the one it was made
        from, else one built from its own fields (others load on first use)."""
        if _INSTANCE in row:
            return row[_INSTANCE]
        # from_db() takes the values in the order of the model's fields.
        names = [f.attname for f in self.model._meta.concrete_fields if f.attname in row]
        return self.model.from_db(None, names, [row[name] for name in names])

    # -- ordering -----------------------------------------------------------------------------
    def sort_keys(self) -> list[str]:
        return list(self.sorts)

    def valid_sort(self, term: str) -> bool:
        return term.strip().lstrip("-") in self.sorts

    def order(self, queryset: QuerySet[Any], terms: Iterable[str]) -> QuerySet[Any]:
        """*queryset* ordered by public sort keys (``-`` for descending; unknown keys skipped,
        the default sort when none is left). Empty values come last either way, and the
        primary key breaks ties."""
        order: list[Any] = []
        ranks: dict[str, Case] = {}
        for term in terms:
            term = term.strip()
            key = term.lstrip("-")
            target = self.sorts.get(key)
            if target is None:
                continue
            if isinstance(target, Rank):
                path = f"{key}_rank"
                ranks[path] = target.expression(self.model)
                nullable = False
            else:
                path = target
                nullable = self._nullable(path)
            expression = F(path)
            # NULLS LAST only where needed: otherwise PostgreSQL can walk the tenant index.
            nulls_last = True if nullable else None
            descending = term.startswith("-")
            order.append(
                expression.desc(nulls_last=nulls_last)
                if descending
                else expression.asc(nulls_last=nulls_last)
            )
        if not order:
            return self.order(queryset, [self.default_sort]) if self.default_sort else queryset
        if ranks:
            queryset = queryset.annotate(**ranks)
        return queryset.order_by(*order, "-pk")

    def _nullable(self, path: str) -> bool:
        try:
            field = self.model._meta.get_field(path.split("__")[0])
        except Exception:  # noqa: BLE001 - an annotation
            return False
        return bool(getattr(field, "null", False))

    # -- the API ------------------------------------------------------------------------------
    def api_row(self, row: Mapping[str, Any], fmt: RowFormat) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, source, items in self._api_plan:
            if items is None:
                data[name] = row[source]  # a column that answers its value as read
            else:
                data.update(items(row, fmt))
        return data

    @functools.cached_property
    def _api_plan(self) -> list[tuple[str, str, Any]]:
        """Each API column as ``(name, source, api_items)``, ``api_items`` None where the
        column's answer is its value as read (``Column``'s own): an answer builds 50 rows of
        them, and a look-up is a tenth of a call."""
        plain = Column.api_items, Column.value
        return [
            (column.name, column.source, None)
            if (type(column).api_items, type(column).value) == plain
            else (column.name, column.source, column.api_items)
            for column in self.columns
            if column.api
        ]

    def api_rows(self, rows: Iterable[Mapping[str, Any]], **format_args: Any) -> list[dict]:
        fmt = RowFormat(self, **format_args)
        return [self.api_row(row, fmt) for row in rows]

    def api_keys(self) -> list[str]:
        keys: list[str] = []
        for column in self.columns:
            if column.api:
                keys.extend(column.api_fields())
        return keys

    def api_fields(self) -> dict[str, serializers.Field]:
        """Read-only serializer fields documenting (and, field by field, giving) the API's
        output of a record: what ``api_row`` answers fast."""
        fields: dict[str, serializers.Field] = {}
        for column in self.columns:
            if column.api:
                fields.update(column.api_fields())
        return fields

    # -- the CSV ------------------------------------------------------------------------------
    def csv_columns(self) -> list[Column]:
        return [c for c in self.columns if c.csv]

    def csv_header(self) -> list[str]:
        return [c.name for c in self.csv_columns()]

    def csv_values(self, row: Mapping[str, Any], fmt: RowFormat) -> list[str]:
        return [c.csv_text(row, fmt) for c in self.csv_columns()]

    # -- pages --------------------------------------------------------------------------------
    def table_columns(self) -> list[Column]:
        return [c for c in self.columns if c.table]

    def detail_columns(self) -> list[Column]:
        return [c for c in self.columns if c.detail and not isinstance(c, LongText)]

    def long_texts(self) -> list[Column]:
        return [c for c in self.columns if isinstance(c, LongText) and c.detail]

    def cell(self, column: Column, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        """*column*'s cell of *row*: its ``cell_template`` when it has one, else ``cell()``."""
        if column.cell_template is None:
            return column.cell(row, fmt)
        from django.template.loader import render_to_string

        value = column.value_for(row, fmt) if isinstance(column, Computed) else column.value(row)
        context = {"row": row, "column": column, "value": value, "fmt": fmt}
        return mark_safe(render_to_string(column.cell_template, context))  # noqa: S308 - autoescaped

    def table_row(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        # Joined as text: every cell is escaped markup already, and what is the same on every
        # row (each column's <td>, the check box's markup) is worked out once an answer.
        # Joined, not formatted: an f-string asks each safe string for its text again.
        cells, select = fmt.once("row", lambda: self._row_layout(fmt))
        pk = escape(row["id"])
        prefix = self.prefix
        parts = [f'<tr data-{prefix}-id="{pk}" data-testid="{prefix}-row">']
        if select is not None:
            parts.append(fmt.fill(select, pk, fmt.escaped_name(row)))
        for td, cell in cells:
            parts += (td, cell(row, fmt), "</td>")
        parts.append("</tr>")
        return SafeString("".join(parts))

    def _row_layout(
        self, fmt: RowFormat
    ) -> tuple[list[tuple[str, Callable[..., SafeString]]], list[str] | None]:
        """Each table column's ``<td>`` with the function that makes its cell, and, when rows
        have a check box, its markup (a layout of the record's id and name: ``fill``).
        data-label names the value where a phone shows the row as a card."""
        cells: list[tuple[str, Callable[..., SafeString]]] = []
        for c in self.table_columns():
            css = " ".join(filter(None, [c.td_class, "opsbase-wrap" if c.wrap else ""]))
            td = (
                format_html('<td class="{}" data-label="{}">', css, c.table_label)
                if css
                else format_html('<td data-label="{}">', c.table_label)
            )
            cell = c.cell if c.cell_template is None else functools.partial(self.cell, c)
            cells.append((td, cell))
        if not fmt.select_form:
            return cells, None
        form, prefix = escape(fmt.select_form), escape(self.prefix)
        # The label's words escaped once; the record's name goes in escaped per row.
        label = escape(_("Select %(record)s") % {"record": "\x01"}).replace("\x01", _NAME_FIELD)
        select = (
            '<td class="opsbase-select"><label class="opsbase-hit">'
            f'<input class="form-check-input" type="checkbox" name="pk" value="{_PK_FIELD}" '
            f'form="{form}" aria-label="{label}" data-testid="{prefix}-select">'
            "</label></td>"
        )
        return cells, fmt.layout(select)

    def table_rows(self, rows: Iterable[Mapping[str, Any]], fmt: RowFormat) -> SafeString:
        """The ``<tr>`` of every row, built in one pass (what is the same on every row is in
        *fmt*, worked out once)."""
        return SafeString("\n".join([self.table_row(row, fmt) for row in rows]))
