"""Template helpers of the task pages: status styling and the moves a member may make."""

from __future__ import annotations

from typing import Any, cast

from django import template
from django.db.models import Field
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from opsbase.kernel.workflows import transitions_available

from ..constants import TaskPriority, TaskStatus
from ..models import Task

register = template.Library()

STATUS_BADGES: dict[str, str] = {
    TaskStatus.TODO: "text-bg-secondary",
    TaskStatus.IN_PROGRESS: "text-bg-primary",
    TaskStatus.BLOCKED: "text-bg-warning",
    TaskStatus.DONE: "text-bg-success",
    TaskStatus.CANCELLED: "text-bg-dark",
}
PRIORITY_BADGES: dict[str, str] = {
    TaskPriority.LOW: "text-bg-light border",
    TaskPriority.NORMAL: "text-bg-info",
    TaskPriority.HIGH: "text-bg-warning",
    TaskPriority.URGENT: "text-bg-danger",
}


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")


@register.filter
def priority_badge(priority: str) -> str:
    return PRIORITY_BADGES.get(priority, "text-bg-secondary")


@register.simple_tag(takes_context=True)
def task_moves(context, task) -> list:
    """The transitions the request's member may take on *task* now (none when signed out)."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None or membership.tenant_id != task.tenant_id:
        return []
    return [o for o in transitions_available(membership=membership, obj=task) if o.allowed]


_PK = 987654321  # a stand-in id: URLs are reversed once a page, then filled per row


def _url_pattern(name: str) -> str:
    return reverse(name, args=[_PK]).replace(str(_PK), "{pk}")


def _labels(name: str) -> dict[str, str]:
    """What ``get_<name>_display()`` shows for each value, translated once."""
    field = cast("Field[Any, Any]", Task._meta.get_field(name))  # a concrete field
    return {value: str(label) for value, label in field.flatchoices}


@register.simple_tag(takes_context=True)
def task_rows(context, tasks) -> str:
    """The ``<tr>`` rows of the task list, built in one pass.

    The same markup as rendering ``tasks/_status.html`` and the list's cells per task, but
    what is the same on every row (URL patterns, labels, the CSRF field) is worked out once a
    page; the moves per task still come from ``transitions_available`` (the one policy path).
    """
    request = context.get("request")
    membership = getattr(request, "membership", None)
    detail_url = _url_pattern("tasks:task_detail")
    transition_url = _url_pattern("tasks:task_transition")
    csrf = context.get("csrf_token")
    csrf_input = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf)
        if csrf and csrf != "NOTPROVIDED"
        else ""
    )
    overdue = format_html(
        '<span class="badge text-bg-danger ms-1" data-testid="task-overdue">{}</span>',
        _("Overdue"),
    )
    status_labels = _labels("status")
    priority_labels = _labels("priority")
    move_to = _("Move to %(target)s")
    change_status_of = _("Change the status of %(title)s")
    no_due = mark_safe('<span class="text-body-secondary">—</span>')  # noqa: S308
    unassigned = format_html('<span class="text-body-secondary">{}</span>', _("Unassigned"))
    rows = []
    for task in tasks:
        pk = task.pk
        moves = (
            [o for o in transitions_available(membership=membership, obj=task) if o.allowed]
            if membership is not None and membership.tenant_id == task.tenant_id
            else []
        )
        form = ""
        if moves:
            url = transition_url.format(pk=pk)
            buttons = format_html_join(
                "\n",
                '<button type="submit" name="transition" value="{}" '
                'class="btn btn-outline-secondary btn-sm py-0" data-testid="transition-{}" '
                'title="{}">{}</button>',
                ((m.name, m.name, move_to % {"target": m.target_label}, m.label) for m in moves),
            )
            form = format_html(
                '<form method="post" action="{}" class="d-inline-flex flex-wrap gap-1" '
                'hx-post="{}" hx-target="#task-status-{}" hx-swap="outerHTML" '
                'aria-label="{}">{}{}</form>',
                url,
                url,
                pk,
                change_status_of % {"title": task.title},
                csrf_input,
                buttons,
            )
        due = date_format(task.due_date, "Y-m-d") if task.due_date else no_due
        assignee = task.assignee.user.email if task.assignee_id else unassigned
        owner = task.owner.email if task.owner_id and task.owner.email else "—"
        rows.append(
            format_html(
                '<tr data-task-id="{pk}" data-testid="task-row">'
                '<td><a href="{url}" data-testid="task-link">{title}</a></td>'
                '<td><div id="task-status-{pk}" class="d-flex flex-wrap align-items-center gap-1" '
                'data-testid="task-status" data-status="{status}">'
                '<span class="badge {status_badge}" data-testid="task-status-badge">'
                "{status_label}</span>{form}</div></td>"
                '<td><span class="badge {priority_badge}">{priority_label}</span></td>'
                '<td class="text-nowrap">{due}{overdue}</td>'
                "<td>{assignee}</td>"
                '<td class="text-body-secondary">{owner}</td></tr>',
                pk=pk,
                url=detail_url.format(pk=pk),
                title=task.title,
                status=task.status,
                status_badge=status_badge(task.status),
                status_label=status_labels.get(task.status, task.status),
                form=form,
                priority_badge=priority_badge(task.priority),
                priority_label=priority_labels.get(task.priority, task.priority),
                due=due,
                overdue=overdue if task.is_overdue else "",
                assignee=assignee,
                owner=owner,
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every part is escaped by format_html
