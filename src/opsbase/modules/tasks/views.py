"""Task pages: my tasks, all tasks, create, detail with history, edit, delete, status moves."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from opsbase.conf import setting
from opsbase.core.exceptions import InvalidTransition, ValidationError
from opsbase.kernel.policy import policy
from opsbase.web import page_cache
from opsbase.web.csv import csv_lines
from opsbase.web.decorators import membership_required, permission_required
from opsbase.web.forms import form_add_errors
from opsbase.web.page_cache import (
    csrf_placeholder,
    page_cached,
    page_render,
    page_shell_parts,
)

from .caching import task_list_cache_key, task_list_cached, task_list_store
from .constants import ADD, CHANGE, DELETE, VIEW, VIEW_ALL
from .filters import TaskFilter
from .forms import TaskForm
from .selectors import SORT_FIELDS, task_get_for, task_history, task_list, task_order
from .services import task_create as task_create_service
from .services import task_delete as task_delete_service
from .services import task_transition as task_transition_service
from .services import task_update

SORT_CHOICES = (
    ("-created_at", gettext_lazy("Newest first")),
    ("created_at", gettext_lazy("Oldest first")),
    ("due_date", gettext_lazy("Due soonest")),
    ("-due_date", gettext_lazy("Due latest")),
    ("-priority", gettext_lazy("Highest priority")),
    ("priority", gettext_lazy("Lowest priority")),
    ("title", gettext_lazy("Title A–Z")),
    ("-title", gettext_lazy("Title Z–A")),
    ("status", gettext_lazy("Status")),
    ("-updated_at", gettext_lazy("Recently changed")),
)
CSV_COLUMNS = (
    "id",
    "title",
    "status",
    "priority",
    "due_date",
    "owner",
    "assignee",
    "created_at",
    "completed_at",
    "description",
)


def _site_url(request) -> str:
    return request.build_absolute_uri("/")


def _page_size(request) -> int:
    sizes = list(setting("PAGE_SIZES"))
    try:
        wanted = int(request.GET.get("page_size", ""))
    except ValueError:
        wanted = 0
    return wanted if wanted in sizes else (25 if 25 in sizes else sizes[0])


def _sort(request) -> str:
    wanted = request.GET.get("sort", "")
    return wanted if wanted.lstrip("-") in SORT_FIELDS else "-created_at"


def _query_with(request, **changes) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def _filtered(request, *, mine: bool):
    tasks = task_list(membership=request.membership, mine=mine)
    filterset = TaskFilter(request.GET or None, queryset=tasks, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, tasks.none()
    return filterset, task_order(filterset.qs, [_sort(request)])


def _list_page(request, *, mine: bool):
    """The list page, kept whole in the cache per tenant version, member, permissions, query
    and shell (``opsbase.web.page_cache``). Its content (filters, rows, pager) is also kept on
    its own, for the requests whose page is rendered in full (messages to show)."""
    if request.GET.get("format") == "csv":
        return _csv_response(request, mine=mine)
    membership = request.membership
    scope = (mine, membership.pk, sorted(policy.allowed_codenames(membership)))
    shell = page_shell_parts(request)
    page_key = (
        None
        if shell is None
        else task_list_cache_key("page", membership, request.GET, *scope, *shell)
    )
    cached = page_cached(request, page_key)
    if cached is not None:
        return cached
    # The release too: markup cached by the previous deployment is never reused.
    key = task_list_cache_key(
        "content", membership, request.GET, *scope, page_cache.deploy_release()
    )
    content = task_list_cached(key)
    if content is None:
        context = {**_list_context(request, mine=mine), "csrf_token": csrf_placeholder()}
        content = render_to_string("tasks/_task_list_content.html", context, request)
        task_list_store(key, content)
    heading = _("My tasks") if mine else _("All tasks")
    # The content keeps its CSRF placeholder: page_render puts this request's token in.
    context = {"heading": heading, "content": mark_safe(content)}  # noqa: S308
    return page_render(request, page_key, "tasks/task_list.html", context)


def _list_context(request, *, mine: bool) -> dict:
    filterset, tasks = _filtered(request, mine=mine)
    page = Paginator(tasks, _page_size(request)).get_page(request.GET.get("page"))
    filtering = any(request.GET.get(name) for name in filterset.filters if name in request.GET)
    return {
        "mine": mine,
        "heading": _("My tasks") if mine else _("All tasks"),
        "filter": filterset,
        "filtering": filtering,
        "page": page,
        "tasks": page.object_list,
        "sort": _sort(request),
        "sort_choices": SORT_CHOICES,
        "page_size": _page_size(request),
        "page_sizes": list(setting("PAGE_SIZES")),
        "previous_url": _query_with(request, page=page.previous_page_number())
        if page.has_previous()
        else "",
        "next_url": _query_with(request, page=page.next_page_number()) if page.has_next() else "",
        "export_url": _query_with(request, page=None, format="csv"),
        "may_add": policy.can(request.membership, ADD),
    }


@permission_required(VIEW)
def task_list_mine(request):
    return _list_page(request, mine=True)


@permission_required(VIEW_ALL)
def task_list_all(request):
    return _list_page(request, mine=False)


def _csv_values(tasks):
    for task in tasks.iterator(chunk_size=500):
        assignee = task.assignee.user.email if task.assignee_id else ""
        yield (
            task.pk,
            task.title,
            task.get_status_display(),
            task.get_priority_display(),
            task.due_date.isoformat() if task.due_date else "",
            task.owner.email if task.owner_id else "",
            assignee,
            task.created_at.isoformat(),
            task.completed_at.isoformat() if task.completed_at else "",
            task.description,
        )


def _csv_response(request, *, mine: bool):
    _filterset, tasks = _filtered(request, mine=mine)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        csv_lines(CSV_COLUMNS, _csv_values(tasks)), content_type="text/csv; charset=utf-8"
    )
    which = "my-tasks" if mine else "tasks"
    filename = f"{which}-{request.membership.tenant.slug}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required(ADD)
@require_http_methods(["GET", "POST"])
def task_create(request):
    status = 200
    if request.method == "POST":
        form = TaskForm(request.POST, membership=request.membership)
        if form.is_valid():
            try:
                task = task_create_service(
                    membership=request.membership, site_url=_site_url(request), **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Task “%(title)s” created.") % {"title": task.title})
                return redirect(task.get_absolute_url())
        status = 400
    else:
        form = TaskForm(membership=request.membership)
    return render(request, "tasks/task_form.html", {"form": form, "task": None}, status=status)


@membership_required
def task_detail(request, pk: int):
    task = task_get_for(membership=request.membership, pk=pk)
    history = task_history(membership=request.membership, task_id=task.pk)
    return render(request, "tasks/task_detail.html", {"task": task, "history": history})


@membership_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk: int):
    task = task_get_for(membership=request.membership, pk=pk)
    policy.require(request.membership, CHANGE, task)
    status = 200
    if request.method == "POST":
        form = TaskForm(request.POST, membership=request.membership, task=task)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if not data.get("status"):
                data.pop("status", None)
            try:
                task_update(
                    membership=request.membership, task=task, site_url=_site_url(request), **data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            except InvalidTransition as exc:
                form.add_error("status", exc.message)
            else:
                messages.success(request, _("Task “%(title)s” saved.") % {"title": task.title})
                return redirect(task.get_absolute_url())
        status = 400
    else:
        form = TaskForm(membership=request.membership, task=task)
    return render(request, "tasks/task_form.html", {"form": form, "task": task}, status=status)


@membership_required
@require_http_methods(["GET", "POST"])
def task_delete(request, pk: int):
    task = task_get_for(membership=request.membership, pk=pk)
    policy.require(request.membership, DELETE, task)
    if request.method == "POST":
        title = task.title
        task_delete_service(membership=request.membership, task=task)
        messages.success(request, _("Task “%(title)s” deleted.") % {"title": title})
        return redirect("tasks:task_list")
    return render(request, "tasks/task_delete.html", {"task": task})


@membership_required
@require_POST
def task_transition(request, pk: int):
    """Take one workflow transition; htmx gets the task's status block back, in place."""
    task = task_get_for(membership=request.membership, pk=pk)
    name = request.POST.get("transition", "")
    error = ""
    try:
        task = task_transition_service(membership=request.membership, task=task, transition=name)
    except InvalidTransition as exc:
        # Usually a stale page: someone moved the task meanwhile. Show where it is now.
        error = exc.message
        task = task_get_for(membership=request.membership, pk=pk)
    if request.headers.get("HX-Request") == "true":
        response: HttpResponse = render(
            request, "tasks/_status.html", {"task": task, "error": error}
        )
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("Task is now %(status)s.") % {"status": task.get_status_display()}
        )
    return redirect(task.get_absolute_url())
