"""Template helpers of the task pages: status styling and the moves a member may make."""

from __future__ import annotations

from django import template

from opsbase.core.workflows import transitions_available

from ..constants import TaskPriority, TaskStatus

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
