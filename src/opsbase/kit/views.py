"""The pages of an entity: lists, detail with its history, form, delete, status moves, import.

A module declares them once::

    class TaskPages(Pages):
        entity = TASKS
        form_class = TaskForm                 # TaskForm(data, membership=, instance=None)
        lists = (
            ListPage("task_list", "", codename=VIEW, heading=_("My tasks"), scope=mine),
            ListPage("task_all", "all/", codename=VIEW_ALL, heading=_("All tasks")),
        )
        import_fields = ("title", "description", "priority", "due_date", "assignee")

    app_name = "tasks"
    urlpatterns = TaskPages.urls()

which routes ``<model>_create`` (``new/``), ``_detail`` (``<pk>/``), ``_edit``, ``_delete``,
``_transition`` (when the model has a workflow) and ``_import`` (``import/``, when
``import_fields`` are given) besides the lists. Each page is a class-based view whose
template extends a kit template with blocks to override: ``<app>/<model>_<page>.html`` is
used when the module has one, else ``kit/<page>.html``. A page the module wants otherwise
is a subclass of the kit's view, set on the ``Pages`` (``detail_view = TaskDetail``).

Lists: filters (the entity's django-filter set), sort (the row spec's keys), page size,
pagination, CSV export of the filtered list (``?format=csv``), a table whose columns come
from the row spec (its rows built in one pass, or per row from ``ListPage.row_template``).
With ``OPSBASE_LIST_CACHE`` the whole page is kept per tenant version, member, permissions,
query and shell, and its content (what a page with flash messages still reuses) on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.core.signals import setting_changed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string, select_template
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.autoreload import file_changed
from django.utils.decorators import method_decorator
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.http import require_POST

from opsbase.conf import setting
from opsbase.core.exceptions import InvalidTransition, ValidationError
from opsbase.core.text import text_of
from opsbase.kernel.policy import policy
from opsbase.web import page_cache
from opsbase.web.csv import csv_lines, csv_response
from opsbase.web.decorators import membership_required
from opsbase.web.forms import form_add_errors
from opsbase.web.page_cache import (
    csrf_placeholder,
    page_around,
    page_cached,
    page_render,
    page_shell_parts,
)
from opsbase.web.querystring import page_size
from opsbase.web.urlcache import reverse_cached

from .caching import CachedListMixin
from .entity import Entity
from .forms import names_a_filter, quick_filterset
from .history import record_history
from .listing import (
    ASSIGN,
    ListControls,
    fields_html,
    header_cells,
    headers,
    members_by_name,
    optgroups_html,
    options_html,
    query_with,
)
from .rows import RowFormat, State

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


@dataclass(frozen=True)
class ListPage:
    """One list of an entity: its URL name and path, the codename it needs, its heading and
    which records it holds (``scope(queryset, membership)``: all the member may see when
    None), and what it says when it holds none."""

    name: str
    route: str
    codename: str
    heading: _StrOrPromise
    scope: Callable[[QuerySet[Any], Any], QuerySet[Any]] | None = None
    empty_title: _StrOrPromise | None = None
    empty_text: _StrOrPromise | None = None
    icon: str = "list-ul"
    #: Sort choices of the page's select, ``(term, label)``; the row spec's keys when empty.
    sort_choices: Sequence[tuple[str, _StrOrPromise]] = ()
    #: A template rendering one ``<tr>`` (context: ``row``, ``cells``, ``spec``), instead of
    #: the kit's one-pass builder (slower: one template render per row).
    row_template: str | None = None
    #: Views offered above the list, ``(label, query)``: ``(_("Unassigned"), "assignee=null")``;
    #: each is the list's URL with that query, so it can be shared like any other link.
    views: Sequence[tuple[_StrOrPromise, str]] = ()


def _query_with(request: HttpRequest, **changes: Any) -> str:
    return query_with(request.GET, **changes)


def _page_size(request: HttpRequest) -> int:
    return page_size(request.GET)


#: The first template found of a list of names (``select_template``), per list: a page asks
#: on every request, the answer changes only with the template files (runserver's reload).
_FIRST_TEMPLATES: dict[tuple[str, ...], str] = {}


def first_template(names: Sequence[str]) -> str:
    """The name of the first of *names* that exists (``TemplateDoesNotExist`` when none)."""
    key = tuple(names)
    found = _FIRST_TEMPLATES.get(key)
    if found is None:
        found = _FIRST_TEMPLATES[key] = str(select_template(list(names)).template.name)
    return found


def _forget_templates(*args: Any, **kwargs: Any) -> None:
    _FIRST_TEMPLATES.clear()


file_changed.connect(_forget_templates, dispatch_uid="opsbase_kit_first_templates")
setting_changed.connect(_forget_templates, dispatch_uid="opsbase_kit_first_templates_settings")


class Unfiltered:
    """The filter set of an unfiltered list: the form it shows is the shared one without data
    (``FormClassBuiltOnce.unbound_form``), and the filter set itself is built only when a
    template asks for any of its attributes (a module's own list template may)."""

    def __init__(self, build: Callable[[], Any], shared_form: forms.Form) -> None:
        self._build = build
        self._built: Any = None
        self.shared_form = shared_form

    def __bool__(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # its own (not yet set), or private to the filter set
            raise AttributeError(name)
        if self._built is None:
            self._built = self._build()
        return getattr(self._built, name)


class PageView(View):
    """What every page of an entity shares: its ``Pages``, templates and the member."""

    pages: type[Pages] = None  # type: ignore[assignment]  # set by Pages.urls() (as_view)
    page: ClassVar[str] = ""

    @property
    def entity(self) -> Entity:
        return self.pages.entity

    @method_decorator(membership_required)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return super().dispatch(request, *args, **kwargs)

    def template_names(self, page: str | None = None) -> list[str]:
        meta = self.entity.model._meta
        page = page or self.page
        return [f"{meta.app_label}/{meta.model_name}_{page}.html", f"kit/{page}.html"]

    def url(self, page: str, *args: Any) -> str:
        name = self.entity.rows.url_name(page)
        return reverse(name, args=args) if args else reverse_cached(name)

    def base_context(self) -> dict[str, Any]:
        entity = self.entity
        return {
            "entity": entity,
            # Escaped once: a list's content shows it some thirty times.
            "prefix": conditional_escape(entity.rows.prefix),
            "verbose_name": entity.verbose_name,
            "verbose_name_plural": entity.verbose_name_plural,
            "list_url": reverse_cached(self.pages.list_url_name()),
        }

    def record(self, pk: Any) -> Any:
        return self.entity.record(self.request.membership, pk)  # type: ignore[attr-defined]

    def service_failed(self, form: forms.Form, exc: Exception) -> None:
        """Show a service's refusal on *form*: field errors where it names fields."""
        if isinstance(exc, InvalidTransition):
            state = self.entity.state_field
            form.add_error(state if state in form.fields else None, exc.message)
        else:
            assert isinstance(exc, ValidationError)  # noqa: S101
            form_add_errors(form, exc)


class RecordListView(CachedListMixin, PageView):
    page = "list"
    list_page: ListPage = None  # type: ignore[assignment]  # set by Pages.urls() (as_view)

    def get(self, request: HttpRequest) -> HttpResponseBase:
        membership = request.membership  # type: ignore[attr-defined]
        policy.require(membership, self.list_page.codename)
        if request.GET.get("format") == "csv":
            return self.csv(request)
        scope = (self.list_page.name, membership.pk, sorted(policy.allowed_codenames(membership)))
        shell = page_shell_parts(request)
        query = request.GET
        page_key = (
            None if shell is None else self.list_cache_key(request, "page", query, *scope, *shell)
        )
        cached = page_cached(request, page_key)
        if cached is not None:
            return cached
        # The release too: markup cached by the previous deployment is never reused.
        key = self.list_cache_key(request, "content", query, *scope, page_cache.deploy_release())
        content = self.list_cached(key)
        if content is None:
            context = {**self.content_context(), "csrf_token": csrf_placeholder()}
            content = render_to_string(self.content_template(), context, request)
            self.list_store(key, content)
        # The content keeps its CSRF placeholder: the page's rendering puts this request's
        # token in. The kit's own list template is a shell around the content alone, kept
        # apart (page_around); a module's own template may show more: rendered whole.
        template = first_template(self.template_names())
        if template == "kit/list.html":
            heading = {"heading": text_of(self.list_page.heading)}
            return page_around(request, page_key, template, heading, content)
        words = text_of(self.list_page.heading)
        context = {"heading": words, "content": mark_safe(content)}  # noqa: S308
        return page_render(request, page_key, template, context)

    def content_template(self) -> str:
        meta = self.entity.model._meta
        names = [f"{meta.app_label}/_{meta.model_name}_list_content.html", "kit/_list_content.html"]
        return first_template(names)

    # -- the records ---------------------------------------------------------------------
    def sort(self) -> str:
        wanted = self.request.GET.get("sort", "")
        return wanted if self.entity.rows.valid_sort(wanted) else self.entity.rows.default_sort

    def filtered(self) -> tuple[Any, QuerySet[Any]]:
        """The filter set of this request and the records it lets through (none when invalid),
        in the requested order."""
        membership = self.request.membership  # type: ignore[attr-defined]
        records = self.entity.records(membership)
        if self.list_page.scope is not None:
            records = self.list_page.scope(records, membership)
        filterset: Any = None
        if self.entity.filterset is not None:
            query = self.request.GET
            bound = names_a_filter(self.entity.filterset, query)
            filterset_class = quick_filterset(self.entity.filterset)
            shared = None if bound else getattr(filterset_class, "unbound_form", None)
            form = shared() if shared is not None else None
            if form is not None:
                # An unfiltered list (the most common read) keeps every record: its filter
                # set is built only if a template asks for more than the shared form.
                def build(records: QuerySet[Any] = records) -> Any:
                    return filterset_class(None, queryset=records, request=self.request)

                return Unfiltered(build, form), self.entity.rows.order(records, [self.sort()])
            filterset = filterset_class(
                query if bound else None, queryset=records, request=self.request
            )
            if filterset.is_bound and not filterset.is_valid():
                return filterset, records.none()
            records = filterset.qs
        return filterset, self.entity.rows.order(records, [self.sort()])

    def csv(self, request: HttpRequest) -> HttpResponseBase:
        _filterset, records = self.filtered()
        spec = self.entity.rows
        fmt = RowFormat(spec)
        rows = (spec.csv_values(row, fmt) for row in spec.rows(records).iterator(chunk_size=500))
        slug = request.membership.tenant.slug  # type: ignore[attr-defined]
        name = self.list_page.name.replace("_", "-")
        return csv_response(f"{name}-{slug}", csv_lines(spec.csv_header(), rows))

    # -- the content ---------------------------------------------------------------------
    def sort_choices(self) -> list[tuple[str, Any]]:
        if self.list_page.sort_choices:
            return list(self.list_page.sort_choices)
        choices: list[tuple[str, Any]] = []
        for key in self.entity.rows.sort_keys():
            label = key.replace("_", " ")
            choices += [(key, f"{capfirst(label)} ↑"), (f"-{key}", f"{capfirst(label)} ↓")]
        return choices

    def table_rows(self, rows: Sequence[dict[str, Any]]) -> SafeString:
        spec = self.entity.rows
        fmt = RowFormat(
            spec,
            membership=self.request.membership,  # type: ignore[attr-defined]
            csrf_token=csrf_placeholder(),
            select_form=f"{spec.prefix}-bulk" if self.bulk_actions() else "",
            shared_menus=True,
        )
        if self.list_page.row_template is None:
            return spec.table_rows(rows, fmt)
        return mark_safe(  # noqa: S308 - each row rendered by an autoescaping template
            "\n".join(
                render_to_string(
                    self.list_page.row_template,
                    {
                        "row": row,
                        "spec": spec,
                        "cells": [(c, spec.cell(c, row, fmt)) for c in spec.table_columns()],
                    },
                    self.request,
                )
                for row in rows
            )
        )

    def bulk_actions(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """What the member may do to the rows they select, as the bulk menu's groups."""
        cached = getattr(self, "_bulk", None)
        if cached is None:
            membership = self.request.membership  # type: ignore[attr-defined]
            from .bulk import bulk_actions

            later = bool(self.members_url())
            cached = self._bulk = bulk_actions(
                self.pages, membership, self.request, people_later=later
            )
        return cached

    def members_url(self) -> str:
        """Where the list's people filters fetch the members (none: an entity whose pages
        are routed by hand, without ``Pages.urls``: its filters list them in the page)."""
        try:
            return self.url("members")
        except NoReverseMatch:
            return ""

    def content_context(self) -> dict[str, Any]:
        request = self.request
        filterset, records = self.filtered()
        spec = self.entity.rows
        size = _page_size(request)
        rows_of = spec.paged(records, page=request.GET.get("page") or 1, size=size)
        page = Paginator(rows_of, size).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        unfiltered = isinstance(filterset, Unfiltered)
        filtering = (
            filterset is not None
            and not unfiltered
            and any(request.GET.get(name) for name in filterset.filters if name in request.GET)
        )
        membership = request.membership  # type: ignore[attr-defined]
        add = self.entity.codenames.add
        may_add = bool(add and self.entity.create and policy.can(membership, add))
        members = self.members_url()
        if unfiltered:
            controls = ListControls.unbound(filterset.shared_form, request.GET, request, members)
        else:
            form = filterset.form if filterset is not None else None
            controls = ListControls(form, request.GET, request, members)
        here = reverse_cached(self.pages.list_url_name(self.list_page.name))
        sort = self.sort()
        columns = spec.table_columns()
        heads = headers(spec, columns, sort, request.GET)
        sort_choices = self.sort_choices()
        page_size, page_sizes = _page_size(request), list(setting("PAGE_SIZES"))
        bulk = self.bulk_actions()
        return {
            **self.base_context(),
            "controls": controls,
            "headers": heads,
            # The same as markup (the content's loops, built as text; the template's blocks
            # may show the lists above their own way).
            "header_cells": header_cells(heads),
            "filter_fields": fields_html(controls.controls),
            "sort_options": options_html(sort_choices, sort),
            "page_size_options": options_html(((size, size) for size in page_sizes), page_size),
            "bulk_options": optgroups_html(bulk, later=ASSIGN if members else ""),
            # Where the bulk menu's "Assign to" fetches the members (none: nothing to fetch).
            "bulk_people_url": f"{members}?value=assign"
            if members and any(a == ASSIGN for _g, actions in bulk for a, _l in actions)
            else "",
            "bulk": bulk,
            "bulk_url": self.url("bulk"),
            "here": request.get_full_path(),
            "views_url": self.url("views"),
            "current_query": request.GET.urlencode(),
            "saved_views": [
                {
                    "label": text_of(label),
                    "url": f"{here}?{query}",
                    "active": query == request.GET.urlencode(),
                }
                for label, query in self.list_page.views
            ],
            "list_page": self.list_page,
            "heading": text_of(self.list_page.heading),
            "clear_url": here,
            "filter": filterset,
            "filtering": filtering,
            "page": page,
            "count_text": _count_text(page.paginator.count, self.entity),
            "rows": rows,
            "table_rows": self.table_rows(rows),
            "columns": columns,
            "sort": sort,
            "sort_choices": sort_choices,
            "page_size": page_size,
            "page_sizes": page_sizes,
            "previous_url": _query_with(request, page=page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": _query_with(request, page=page.next_page_number())
            if page.has_next()
            else "",
            "export_url": _query_with(request, page=None, format="csv"),
            "may_add": may_add,
            "create_url": self.url("create") if may_add else "",
            "import_url": self.url("import") if may_add and self.pages.import_fields else "",
        }


class RecordDetailView(PageView):
    """The record, its fields as the row spec shows them, and its history in words."""

    page = "detail"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.record(pk)
        return render(request, self.template_names(), self.context(obj))

    def context(self, obj: Any) -> dict[str, Any]:
        request = self.request
        membership = request.membership  # type: ignore[attr-defined]
        spec = self.entity.rows
        row = spec.row_of(obj)
        fmt = RowFormat(spec, membership=membership, csrf_token=get_token(request))
        fields = [
            # A state's block carries its own test ids.
            {"column": c, "label": c.label, "html": c.cell(row, fmt), "testid": c.testid}
            if not isinstance(c, State)
            else {"column": c, "label": c.label, "html": c.cell(row, fmt), "testid": None}
            for c in spec.detail_columns()
            if not (c.hide_empty and c.is_empty(row))
        ]
        texts = [{"column": c, "label": c.label, "value": c.value(row)} for c in spec.long_texts()]
        codenames = self.entity.codenames
        return {
            **self.base_context(),
            "object": obj,
            "fields": fields,
            "texts": texts,
            "history": record_history(membership=membership, model=self.entity.model, pk=obj.pk),
            "may_edit": bool(codenames.change and policy.can(membership, codenames.change, obj)),
            "may_delete": bool(codenames.delete and policy.can(membership, codenames.delete, obj)),
            "edit_url": self.url("edit", obj.pk),
            "delete_url": self.url("delete", obj.pk),
            "merge": self.merge_notice(obj),
        }

    def merge_notice(self, obj: Any) -> dict[str, Any] | None:
        if self.pages.merge is None:
            return None
        from .merge_pages import merge_notice

        return merge_notice(self.pages, self.request.membership, obj)  # type: ignore[attr-defined]


class RecordFormView(PageView):
    """A new record, or a record's fields: the module's form, then its service."""

    page = "form"

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.target(pk)
        form = self.pages.form_class(membership=request.membership, instance=obj)  # type: ignore[attr-defined]
        return self.show(form, obj)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.target(pk)
        membership = request.membership  # type: ignore[attr-defined]
        form = self.pages.form_class(request.POST, membership=membership, instance=obj)
        if form.is_valid():
            try:
                if obj is None:
                    obj = self.entity.do_create(request, membership, form.cleaned_data)
                    done = _("%(model)s “%(name)s” created.")
                else:
                    obj = self.entity.do_update(request, membership, obj, form.cleaned_data)
                    done = _("%(model)s “%(name)s” saved.")
            except (ValidationError, InvalidTransition) as exc:
                self.service_failed(form, exc)
            else:
                model = capfirst(self.entity.verbose_name)
                messages.success(request, done % {"model": model, "name": obj})
                return redirect(self.url("detail", obj.pk))
        return self.show(form, obj, status=400)

    def target(self, pk: int | None) -> Any:
        membership = self.request.membership  # type: ignore[attr-defined]
        if pk is None:
            policy.require(membership, self.entity.codenames.add or self.entity.codenames.view)
            return None
        obj = self.record(pk)
        policy.require(membership, self.entity.codenames.change or "", obj)
        return obj

    def show(self, form: forms.Form, obj: Any, status: int = 200) -> HttpResponse:
        context = {
            **self.base_context(),
            "form": form,
            "object": obj,
            "cancel_url": self.url("detail", obj.pk) if obj is not None else "",
        }
        return render(self.request, self.template_names(), context, status=status)


class RecordDeleteView(PageView):
    page = "delete"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.target(pk)
        context = {**self.base_context(), "object": obj, "cancel_url": self.url("detail", pk)}
        return render(request, self.template_names(), context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.target(pk)
        name = str(obj)
        self.entity.do_delete(request, request.membership, obj)  # type: ignore[attr-defined]
        done = _("%(model)s “%(name)s” deleted.")
        messages.success(
            request, done % {"model": capfirst(self.entity.verbose_name), "name": name}
        )
        return redirect(self.pages.list_url_name())

    def target(self, pk: int) -> Any:
        obj = self.record(pk)
        codename = self.entity.codenames.delete or ""
        policy.require(self.request.membership, codename, obj)  # type: ignore[attr-defined]
        return obj


def record_action_view(
    entity: Entity, do: Callable[[HttpRequest, Any, Any], Any], success: Any
) -> Callable[..., HttpResponse]:
    """A button of a record's page: ``POST <pk>/…/`` runs ``do(request, membership, obj)``
    and goes back to the record's page, saying *success* or why it could not be done."""

    @require_POST
    @membership_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        membership = request.membership  # type: ignore[attr-defined]
        obj = entity.record(membership, pk)
        try:
            do(request, membership, obj)
            messages.success(request, success)
        except (ValidationError, InvalidTransition) as exc:
            messages.error(request, exc.message)
        return redirect(obj.get_absolute_url())

    return view


class RecordTransitionView(PageView):
    """One workflow move (POST ``transition=<name>``); htmx gets the state block back, in
    place, showing why when the move was not possible (usually a stale page)."""

    http_method_names: ClassVar[list[str]] = ["post"]  # type: ignore[misc]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        membership = request.membership  # type: ignore[attr-defined]
        obj = self.record(pk)
        error = ""
        try:
            obj = self.entity.do_transition(
                request, membership, obj, request.POST.get("transition", "")
            )
        except InvalidTransition as exc:
            error = exc.message
            obj = self.record(pk)  # where it is now
        spec = self.entity.rows
        state = spec.column(self.entity.state_field or "")
        if request.headers.get("HX-Request") == "true":
            fmt = RowFormat(spec, membership=membership, csrf_token=get_token(request))
            return HttpResponse(state.cell(spec.row_of(obj), fmt, error=error))
        if error:
            messages.error(request, error)
        else:
            label = getattr(obj, f"get_{state.source}_display")()
            done = _("%(model)s is now %(state)s.")
            messages.success(
                request, done % {"model": capfirst(self.entity.verbose_name), "state": label}
            )
        return redirect(self.url("detail", obj.pk))


def _count_text(count: int, entity: Entity) -> str:
    """ "12 tasks": the list's number of records with the entity's name, singular or plural
    (the footer's words, the template's ``blocktranslate count`` as text)."""
    text = ngettext("%(counter)s %(name)s", "%(counter)s %(plural)s", count)
    return text % {
        "counter": localize(count),
        "name": entity.verbose_name,
        "plural": entity.verbose_name_plural,
    }


class MemberOptionsView(PageView):
    """GET: an ``<option>`` for each active member of the organization, by name: the people
    filters of the entity's list pages fetch them when the filter panel opens (htmx), so a
    list is computed without them (``ListControls``)."""

    page = "members"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        membership = request.membership  # type: ignore[attr-defined]
        policy.require(membership, self.entity.codenames.view)
        # ``?value=assign``: as the bulk menu's actions (``assign:<pk>``), else the filters'.
        prefix = ASSIGN if request.GET.get("value") == "assign" else ""
        people = members_by_name(request, membership)
        return HttpResponse(options_html(((f"{prefix}{pk}", name) for pk, name in people), None))


class Pages:
    """The pages of one entity (see the module docstring)."""

    entity: ClassVar[Entity]
    #: The module's form: ``form_class(data=None, *, membership, instance=None)``.
    form_class: ClassVar[Any]
    lists: ClassVar[Sequence[ListPage]] = ()
    #: Form fields a CSV import fills (none: no import page).
    import_fields: ClassVar[Sequence[str]] = ()
    #: Values of the fields a file leaves unmapped (else the form's initial values), and the
    #: fields the API import refuses a file without a column for.
    import_defaults: ClassVar[dict[str, Any]] = {}
    import_required: ClassVar[Sequence[str]] = ()
    list_view: ClassVar[type[RecordListView]] = RecordListView
    detail_view: ClassVar[type[RecordDetailView]] = RecordDetailView
    form_view: ClassVar[type[RecordFormView]] = RecordFormView
    delete_view: ClassVar[type[RecordDeleteView]] = RecordDeleteView
    transition_view: ClassVar[type[RecordTransitionView]] = RecordTransitionView
    #: The Person column bulk "Assign to" sets (None: the first optional member column).
    bulk_assign: ClassVar[str | None] = None
    #: ``kit.merge_pages.MergePage``: a page merging two likely duplicates (None: none).
    merge: ClassVar[Any] = None

    @classmethod
    def list_url_name(cls, name: str | None = None) -> str:
        app = cls.entity.model._meta.app_label
        return f"{app}:{name or cls.lists[0].name}"

    @classmethod
    def urls(cls) -> list[URLPattern]:
        from .csv_import import RecordImportView

        model = cls.entity.model._meta.model_name
        patterns = [
            path(page.route, cls.list_view.as_view(pages=cls, list_page=page), name=page.name)
            for page in cls.lists
        ]
        patterns += [
            path("new/", cls.form_view.as_view(pages=cls), name=f"{model}_create"),
            path("<int:pk>/", cls.detail_view.as_view(pages=cls), name=f"{model}_detail"),
            path(
                "<int:pk>/edit/",
                cls.form_view.as_view(pages=cls),
                name=f"{model}_edit",
            ),
            path("<int:pk>/delete/", cls.delete_view.as_view(pages=cls), name=f"{model}_delete"),
        ]
        if cls.entity.state_field:
            patterns.append(
                path(
                    "<int:pk>/transition/",
                    cls.transition_view.as_view(pages=cls),
                    name=f"{model}_transition",
                )
            )
        from .bulk import RecordBulkView
        from .saved_views import SavedViewsView

        patterns.append(path("bulk/", RecordBulkView.as_view(pages=cls), name=f"{model}_bulk"))
        patterns.append(path("views/", SavedViewsView.as_view(pages=cls), name=f"{model}_views"))
        patterns.append(
            path("members/", MemberOptionsView.as_view(pages=cls), name=f"{model}_members")
        )
        if cls.import_fields:
            patterns.append(
                path("import/", RecordImportView.as_view(pages=cls), name=f"{model}_import")
            )
        if cls.merge is not None:
            from .merge_pages import RecordMergeUndoView, RecordMergeView

            patterns += [
                path(
                    "<int:pk>/merge/<int:other>/",
                    RecordMergeView.as_view(pages=cls),
                    name=f"{model}_merge",
                ),
                path(
                    "merges/<int:pk>/undo/",
                    RecordMergeUndoView.as_view(pages=cls),
                    name=f"{model}_merge_undo",
                ),
            ]
        return patterns
