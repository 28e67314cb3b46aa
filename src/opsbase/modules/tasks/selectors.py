"""Reads of tasks: their row specification, and lists and counts scoped to the caller's
tenant and what its role may see."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import (
    Choice,
    Computed,
    Date,
    DateTime,
    LongText,
    Number,
    Person,
    Rank,
    RowFormat,
    RowSpec,
    State,
    Text,
)
from opsbase.kit.selectors import record_get_for, record_list

from .constants import (
    OPEN_STATUSES,
    PRIORITY_BADGES,
    PRIORITY_RANK,
    STATUS_BADGES,
    VIEW,
    TaskStatus,
)
from .models import Task

_OPEN = frozenset(str(s) for s in OPEN_STATUSES)


def _overdue(row: Mapping[str, Any], fmt: RowFormat) -> bool:
    due = row["due_date"]
    return bool(due and row["status"] in _OPEN and due < fmt.today)


TASK_ROWS = RowSpec(
    Task,
    columns=[
        Number("id", table=False, detail=False),
        Text("title", link=True, detail=False),
        LongText("description"),
        State("status", badges=STATUS_BADGES, label_key="status_label"),
        Choice("priority", badges=PRIORITY_BADGES),
        Date("due_date", table_label=_("Due"), flag="is_overdue", testid="due"),
        Computed("is_overdue", _overdue, _("Overdue")),
        Person("assignee", email_key="assignee_email", empty=_("Unassigned")),
        Person("owner", api_style="object", td_class="text-body-secondary"),
        DateTime("completed_at", table=False, testid="completed", hide_empty=True),
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    # Public sort keys (the page's ?sort= and the API's ?ordering=).
    sorts={
        "created_at": "created_at",
        "updated_at": "updated_at",
        "due_date": "due_date",
        "priority": Rank("priority", PRIORITY_RANK),
        "status": Rank("status"),
        "title": "title",
    },
    default_sort="-created_at",
)
RELATED = ("owner", "assignee__user")


def task_list(*, membership: Membership, mine: bool = False) -> QuerySet[Task]:
    """Tasks *membership* may see (with ``mine``: those it owns or is assigned), newest first."""
    tasks = record_list(Task, membership=membership, codename=VIEW, related=RELATED)
    if mine:
        tasks = task_filter_mine(tasks, membership)
    return TASK_ROWS.order(tasks, [TASK_ROWS.default_sort])


def task_filter_mine(tasks: QuerySet[Task], membership: Membership) -> QuerySet[Task]:
    """The tasks of *tasks* that *membership* owns or is assigned to."""
    return tasks.filter(Q(owner_id=membership.user_id) | Q(assignee_id=membership.pk))


def task_get_for(*, membership: Membership, pk: int | str) -> Task:
    """Task *pk* of *membership*'s tenant (``NotFound`` otherwise; ``PermissionDenied`` with
    the reason when it may not see it), its owner and assignee joined."""
    return record_get_for(Task, membership=membership, pk=pk, codename=VIEW, related=RELATED)


def task_filter_overdue(tasks: QuerySet[Task], overdue: bool | None) -> QuerySet[Task]:
    """Open tasks whose due date has passed (``True``), or every other one (``False``)."""
    if overdue is None:
        return tasks
    late = Q(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    return tasks.filter(late) if overdue else tasks.exclude(late)


def task_counts(*, membership: Membership) -> dict[str, int]:
    """How many tasks *membership* may see are open, overdue, and done: one query."""
    late = Q(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    tasks = policy.scope(membership, VIEW, Task.objects.for_tenant(membership.tenant_id))
    return tasks.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=late),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
    )
