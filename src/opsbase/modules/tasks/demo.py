"""The demo's sample tasks: a handful per organization, owned and assigned by its members."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.demo import demo_members

from .models import Task
from .services import task_create, task_transition

# (owner kind, assignee kind, title, priority, due in days, transitions to take)
DEMO_TASKS = (
    (RoleKind.MANAGER, RoleKind.USER, "Plan the quarterly maintenance", "high", 10, ()),
    (RoleKind.MANAGER, RoleKind.USER, "Replace the filter on line 2", "urgent", -2, ("start",)),
    (RoleKind.MANAGER, None, "Review supplier quotes", "normal", 14, ()),
    (RoleKind.MANAGER, RoleKind.MANAGER, "Order spare parts", "low", None, ("complete",)),
    (RoleKind.USER, None, "Update the safety checklist", "normal", 3, ("start",)),
    (RoleKind.USER, RoleKind.MANAGER, "Calibrate the scales", "high", 5, ("block",)),
    (RoleKind.USER, None, "Tidy the tool store", "low", -1, ()),
)


def demo_tasks_seed(*, tenant) -> None:
    """A handful of tasks in *tenant*: some owned by its Manager, some by its User, some
    assigned. Only for a tenant without tasks, so re-running the demo adds nothing."""
    if Task.objects.for_tenant(tenant).exists():
        return
    members = demo_members(tenant)
    today = timezone.localdate()
    for owner_kind, assignee_kind, title, priority, due_in, moves in DEMO_TASKS:
        owner = members[owner_kind]
        task = task_create(
            membership=owner,
            title=title,
            priority=priority,
            due_date=None if due_in is None else today + timedelta(days=due_in),
            assignee=members[assignee_kind] if assignee_kind else None,
            notify=False,
        )
        for move in moves:
            task_transition(membership=owner, task=task, transition=move)
