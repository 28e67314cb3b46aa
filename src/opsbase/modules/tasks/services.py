"""Writes of tasks: their business rules; the kit's helpers do the rest (policy on the locked
row, validation, audit, on-commit e-mail)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.core.writes import atomic_write
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kernel.workflows import transition_apply
from opsbase.kit import notifications
from opsbase.kit.services import record_create, record_delete, record_move_to, record_update
from opsbase.services.analytics import track

from .constants import ADD, CHANGE, CHANGE_STATUS, DELETE, TaskPriority, TaskStatus
from .models import Task

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = ("title", "description", "priority", "due_date", "assignee")


def _notify(membership: Membership, site_url: str, notify: bool) -> Any:
    """The after-commit effect that tells a new assignee (not one who assigned themself),
    through the kit's one call: their bell, and this module's own e-mail when they want one."""

    def effect(task: Task, changed: frozenset[str]) -> None:
        assignee = task.assignee
        if "assignee" not in changed or assignee is None:
            return
        path = reverse("tasks:task_detail", args=[task.pk])
        notifications.notify(
            recipient=assignee,
            event="tasks.assigned",
            title=_("Task assigned to you: %(title)s") % {"title": task.title},
            url=site_url.rstrip("/") + path if site_url else path,
            actor=membership,
            email=lambda: _email_assignee(task, assignee, site_url),
        )

    return effect if notify else None


def _email_assignee(task: Task, assignee: Membership, site_url: str) -> None:
    from .tasks import task_assigned_notify

    try:
        task_assigned_notify.delay(task.pk, assignee.pk, site_url)
    except Exception:
        # The task is saved; say which e-mail a broker outage lost.
        logger.exception("Assignment e-mail for task %s not queued (broker unreachable?)", task.pk)


@atomic_write
def task_create(
    *,
    membership: Membership,
    title: str,
    description: str = "",
    priority: str = TaskPriority.NORMAL,
    due_date: dt.date | None = None,
    assignee: Membership | None = None,
    site_url: str = "",
    notify: bool = True,
) -> Task:
    """A new task owned by *membership*'s user, in To do; e-mails the assignee after commit."""
    task = Task(
        owner=membership.user,
        title=title or "",
        description=description or "",
        priority=priority or TaskPriority.NORMAL,
        due_date=due_date,
        assignee=assignee,
    )
    record_create(
        membership=membership,
        obj=task,
        codename=ADD,
        after_commit=_notify(membership, site_url, notify),
    )
    track(membership, "task.created", {"task": task.pk, "priority": task.priority})
    return task


@atomic_write
def task_update(
    *,
    membership: Membership,
    task: Task,
    site_url: str = "",
    notify: bool = True,
    **changes: Any,
) -> Task:
    """Change fields of *task* (and its status, through the workflow) in one transaction.

    Editing any field needs ``tasks.change_task`` on the task; a ``status`` alone needs only
    the status permission (an assignee may move a task they cannot edit). A status that
    cannot be reached from the current one raises ``InvalidTransition`` naming those that can.
    """
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS) - {"status"})
    if unknown:
        raise TypeError(f"task_update() cannot change {', '.join(unknown)}.")
    status = changes.pop("status", None)
    if changes:
        record_update(
            membership=membership,
            obj=task,
            codename=CHANGE,
            changes=changes,
            after_commit=_notify(membership, site_url, notify),
        )
    else:
        # A status alone, even the current one, is the status permission's business.
        policy.require(membership, CHANGE if status is None else CHANGE_STATUS, task)
    if status is not None and str(status) != task.status:
        task_change_status(membership=membership, task=task, status=str(status))
    return task


def task_change_status(*, membership: Membership, task: Task, status: str) -> Task:
    """Move *task* to *status* through the workflow transition that leads there."""
    return record_move_to(
        membership=membership,
        obj=task,
        state=status,
        move=lambda name: task_transition(membership=membership, task=task, transition=name),
    )


@atomic_write
def task_transition(*, membership: Membership, task: Task, transition: str) -> Task:
    """Take *transition* (``start``, ``block``, ``complete``, ``cancel``, ``reopen``).

    Done sets ``completed_at``; leaving Done clears it (``task_completion_effects``). The
    workflow saves both and records them in one audit event; *task* follows the saved row.
    """
    transition_apply(membership=membership, obj=task, transition=transition)
    name = "task.completed" if task.status == TaskStatus.DONE else "task.status_changed"
    track(membership, name, {"task": task.pk, "transition": transition, "status": task.status})
    return task


def task_completion_effects(task: Task, membership: Membership) -> dict[str, Any]:
    """What a move sets besides the status: when the task was completed (``None`` unless
    it is now Done). The workflow calls this on the locked row in its new status, before it
    saves."""
    return {"completed_at": timezone.now() if task.status == TaskStatus.DONE else None}


def task_delete(*, membership: Membership, task: Task) -> None:
    """Delete *task*; its audit history stays readable (audit log, filtered by target)."""
    record_delete(membership=membership, obj=task, codename=DELETE)


def task_assignment_email_send(
    *, tenant_id: int, task_id: int, membership_id: int, site_url: str = ""
) -> list[str]:
    """E-mail the assignee of a task, if it is still assigned to them; the recipients."""
    task = (
        Task.objects.for_tenant(tenant_id)
        .select_related("tenant", "owner", "assignee__user")
        .filter(pk=task_id)
        .first()
    )
    if task is None or task.assignee is None or task.assignee_id != membership_id:
        return []  # Deleted or reassigned since: nothing to say.
    if not task.assignee.is_active:
        return []
    path = reverse("tasks:task_detail", args=[task.pk])
    context = {
        "task": task,
        "tenant": task.tenant,
        "assignee": task.assignee.user,
        "url": site_url.rstrip("/") + path if site_url else path,
    }
    subject = render_to_string("tasks/email/assigned_subject.txt", context)
    body = render_to_string("tasks/email/assigned_body.txt", context)
    recipients = [task.assignee.user.email]
    send_mail(" ".join(subject.split()), body, None, recipients)
    return recipients
