"""Writes of tasks: each checks the policy, changes data in one transaction and is audited."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Field
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.core.context import tenant_context
from opsbase.core.exceptions import InvalidTransition, ValidationError
from opsbase.kernel.audit.services import audit_create, audit_delete, audit_update, snapshot
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kernel.workflows import transition_apply, transitions_available

from .constants import ADD, CHANGE, CHANGE_STATUS, DELETE, TASK_WORKFLOW, TaskPriority, TaskStatus
from .models import Task

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = ("title", "description", "priority", "due_date", "assignee")


def _full_clean(task: Task) -> None:
    try:
        # Tenant and owner are set by the service, and the assignee is checked by it.
        task.full_clean(exclude=["tenant", "owner", "assignee", "status"])
    except DjangoValidationError as exc:
        raise ValidationError(extra={"fields": exc.message_dict}) from None


def _check_assignee(membership: Membership, assignee: object) -> None:
    """An assignee must be an active member of the acting member's organization."""
    if assignee is None:
        return
    if not isinstance(assignee, Membership) or assignee.tenant_id != membership.tenant_id:
        raise ValidationError(
            extra={"fields": {"assignee": [_("Choose a member of this organization.")]}}
        )
    if not assignee.is_active:
        raise ValidationError(
            extra={"fields": {"assignee": [_("This member is deactivated; choose another.")]}}
        )


@transaction.atomic
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
    policy.require(membership, ADD)
    _check_assignee(membership, assignee)
    task = Task(
        tenant_id=membership.tenant_id,
        owner=membership.user,
        title=(title or "").strip(),
        description=(description or "").strip(),
        priority=priority or TaskPriority.NORMAL,
        due_date=due_date,
        assignee=assignee,
    )
    _full_clean(task)
    task.save()
    audit_create(membership=membership, obj=task)
    if notify:
        _notify_assignment(membership, task, site_url=site_url)
    return task


@transaction.atomic
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
    if changes or status is None:
        policy.require(membership, CHANGE, task)
    else:
        # A status alone, even the current one, is the status permission's business.
        policy.require(membership, CHANGE_STATUS, task)
    edits = {name: value for name, value in changes.items() if _differs(task, name, value)}
    if edits:
        before = snapshot(task)
        if "assignee" in edits:
            _check_assignee(membership, edits["assignee"])
        for name, value in edits.items():
            if isinstance(value, str):
                value = value.strip()
            setattr(task, name, value)
        _full_clean(task)
        # The edits name concrete fields of Task (never reverse relations).
        fields = [cast("Field[Any, Any]", Task._meta.get_field(name)).attname for name in edits]
        task.save(update_fields=[*fields, "updated_at"])
        audit_update(membership=membership, obj=task, before=before)
        if "assignee" in edits and notify:
            _notify_assignment(membership, task, site_url=site_url)
    if status is not None and str(status) != task.status:
        task = task_change_status(membership=membership, task=task, status=str(status))
    return task


def _differs(task: Task, name: str, value: object) -> bool:
    if name == "assignee":
        assignee_id: object = getattr(value, "pk", value)
        return task.assignee_id != assignee_id
    current: object = getattr(task, name)
    if isinstance(value, str):
        value = value.strip()
    return current != value


def task_change_status(*, membership: Membership, task: Task, status: str) -> Task:
    """Move *task* to *status* through the workflow transition that leads there."""
    if status not in TaskStatus.values:
        raise ValidationError(
            extra={"fields": {"status": [_("“%(status)s” is not a status.") % {"status": status}]}}
        )
    leading = [t for t in TASK_WORKFLOW.leaving(task.status) if t.target == status]
    if not leading:
        allowed = [
            option.name
            for option in transitions_available(membership=membership, obj=task)
            if option.allowed
        ]
        message = _("A task cannot go from %(old)s to %(new)s.") % {
            "old": TASK_WORKFLOW.label_of(task.status),
            "new": TASK_WORKFLOW.label_of(status),
        }
        if allowed:
            message += " " + _("Possible now: %(allowed)s.") % {"allowed": ", ".join(allowed)}
        raise InvalidTransition(
            message,
            extra={"state": task.status, "status": status, "allowed": allowed},
        )
    return task_transition(membership=membership, task=task, transition=leading[0].name)


@transaction.atomic
def task_transition(*, membership: Membership, task: Task, transition: str) -> Task:
    """Take *transition* (``start``, ``block``, ``complete``, ``cancel``, ``reopen``).

    Done sets ``completed_at``; leaving Done clears it (``task_completion_effects``). The
    workflow saves both and records them in one audit event.
    """
    transition_apply(membership=membership, obj=task, transition=transition)
    return task


def task_completion_effects(task: Task, membership: Membership) -> dict[str, Any]:
    """What a move sets besides the status: when the task was completed (``None`` unless
    it is now Done). The workflow calls this on the locked row in its new status, before it
    saves."""
    return {"completed_at": timezone.now() if task.status == TaskStatus.DONE else None}


@transaction.atomic
def task_delete(*, membership: Membership, task: Task) -> None:
    """Delete *task*; its audit history stays readable (audit log, filtered by target)."""
    policy.require(membership, DELETE, task)
    audit_delete(membership=membership, obj=task)
    task.delete()


# -- notifications ---------------------------------------------------------------------------


def _notify_assignment(membership: Membership, task: Task, *, site_url: str) -> None:
    """Queue the assignment e-mail once the transaction commits (never for a rolled-back one).

    Nobody is e-mailed about a task they assigned to themselves.
    """
    assignee = task.assignee
    if assignee is None or assignee.user_id == membership.user_id:
        return
    from .tasks import task_assigned_notify

    tenant_id, task_id, assignee_id = task.tenant_id, task.pk, assignee.pk

    def queue() -> None:
        # The kernel copies the bound tenant into the Celery task's headers.
        with tenant_context(tenant_id):
            try:
                task_assigned_notify.delay(task_id, assignee_id, site_url)
            except Exception:
                # The task is saved; a broker outage must not turn the answer into a 500.
                logger.exception(
                    "Assignment e-mail for task %s not queued (broker unreachable?)", task_id
                )

    transaction.on_commit(queue)


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
    if task is None or task.assignee_id != membership_id or not task.assignee.is_active:
        return []  # Deleted or reassigned since: nothing to say.
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
