"""Reads of tasks, always scoped to the caller's tenant and what its role may see."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.utils import timezone

from opsbase.core.exceptions import NotFound
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership

from .constants import OPEN_STATUSES, PRIORITY_RANK, VIEW, TaskPriority, TaskStatus
from .models import Task

STATUS_RANK = {status: rank for rank, status in enumerate(TaskStatus.values, start=1)}

# Public sort keys (the page's ?sort= and the API's ?ordering=) and what they order by.
SORT_FIELDS = {
    "created_at": "created_at",
    "updated_at": "updated_at",
    "due_date": "due_date",
    "priority": "priority_rank",
    "status": "status_rank",
    "title": "title",
}
DEFAULT_ORDERING = ("-created_at",)
# Sort keys whose column may be empty: only these need NULLS LAST, which the others must not
# carry so that PostgreSQL walks the (tenant, -created_at) index instead of sorting every row.
NULLABLE_SORT_FIELDS = frozenset({"due_date"})
# The columns (and joined e-mails) a task list row shows; see ``task_list_rows``.
LIST_ROW_COLUMNS = (
    "id",
    "title",
    "description",
    "status",
    "priority",
    "due_date",
    "assignee_id",
    "owner_id",
    "completed_at",
    "created_at",
    "updated_at",
)


# Sort keys computed in SQL, annotated only when a list sorts by them.
RANKS = {
    "priority_rank": lambda: _rank("priority", PRIORITY_RANK),
    "status_rank": lambda: _rank("status", STATUS_RANK),
}


def _rank(field: str, ranks: dict[Any, int]) -> Case:
    return Case(
        *(When(**{field: str(value)}, then=Value(rank)) for value, rank in ranks.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def task_queryset(*, membership: Membership) -> QuerySet[Task]:
    """Tasks of *membership*'s tenant that it may see, with what lists and pages show joined."""
    tasks = Task.objects.for_tenant(membership.tenant_id)
    return policy.scope(membership, VIEW, tasks).select_related("owner", "assignee__user")


def task_list(*, membership: Membership, mine: bool = False) -> QuerySet[Task]:
    """Tasks *membership* may see (with ``mine``: those it owns or is assigned), newest first."""
    tasks = task_queryset(membership=membership)
    if mine:
        tasks = tasks.filter(Q(owner_id=membership.user_id) | Q(assignee_id=membership.pk))
    return task_order(tasks, DEFAULT_ORDERING)


def task_order(tasks: QuerySet[Task], terms: Iterable[str]) -> QuerySet[Task]:
    """*tasks* ordered by public sort keys (``-`` for descending); unknown keys are skipped.

    Empty due dates come last either way, and the primary key breaks ties so that pages
    never repeat or skip a row.
    """
    order: list[Any] = []
    ranks: dict[str, Case] = {}
    for term in terms:
        term = term.strip()
        descending = term.startswith("-")
        field = SORT_FIELDS.get(term.lstrip("-"))
        if field is None:
            continue
        if field in RANKS:
            ranks[field] = RANKS[field]()
        expression = F(field)
        nulls_last = True if field in NULLABLE_SORT_FIELDS else None
        order.append(
            expression.desc(nulls_last=nulls_last)
            if descending
            else expression.asc(nulls_last=nulls_last)
        )
    if not order:
        order = [F("created_at").desc()]
    if ranks:
        tasks = tasks.annotate(**ranks)
    return tasks.order_by(*order, "-pk")


def task_list_rows(tasks: QuerySet[Task]) -> QuerySet[Task, dict[str, Any]]:
    """*tasks* as plain dicts of the columns a list shows, with ``owner_email`` and
    ``assignee_email`` joined in the same query (no model instances are built)."""
    # django-stubs types values() with expressions as Any: these are dicts of Task rows.
    rows: QuerySet[Task, dict[str, Any]] = tasks.values(
        *LIST_ROW_COLUMNS,
        owner_email=F("owner__email"),
        assignee_email=F("assignee__user__email"),
    )
    return rows


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


def task_get_for(*, membership: Membership, pk: int | str) -> Task:
    """Task *pk* of *membership*'s tenant: ``NotFound`` for any other tenant's (or none),
    ``PermissionDenied`` with the reason when the member may not see it."""
    if not str(pk).isdigit() or len(str(pk)) > 18:
        raise NotFound()
    # One row by its key: no ordering to build into the query (``first()`` would add one).
    rows: list[Task] = list(
        Task.objects.for_tenant(membership.tenant_id)
        .select_related("owner", "assignee__user")
        .filter(pk=int(pk))
        .order_by()[:1]
    )
    found = rows[0] if rows else None
    if found is None:
        raise NotFound()
    policy.require(membership, VIEW, found)
    return found


def task_assignee_choices(*, membership: Membership) -> QuerySet[Membership]:
    """Active members of *membership*'s tenant a task can be assigned to, by e-mail."""
    return (
        Membership.objects.for_tenant(membership.tenant_id)
        .filter(is_active=True)
        .select_related("user")
        .order_by("user__email")
    )


def task_history(*, membership: Membership, task_id: int | str) -> list[dict[str, Any]]:
    """The audit trail of a task, oldest first, with values shown as people read them.

    Reads the tenant's audit events for the task; callers check that the member may see it.
    """
    events = list(
        AuditEvent.objects.for_tenant(membership.tenant_id)
        .filter(target_type=Task._meta.label_lower, target_id=str(task_id))
        .order_by("created_at", "seq")
    )
    # Primary keys as the audit trail stored them (JSON values).
    member_ids: set[Any] = set()
    user_ids: set[Any] = set()
    for event in events:
        for name, values in (event.changes or {}).items():
            wanted = member_ids if name == "assignee" else user_ids if name == "owner" else None
            if wanted is not None and isinstance(values, dict):
                wanted.update(v for v in (values.get("old"), values.get("new")) if v)
    members = {
        m.pk: m.user.email
        for m in Membership.objects.for_tenant(membership.tenant_id)
        .filter(pk__in=member_ids)
        .select_related("user")
    }
    users = dict(
        get_user_model()._default_manager.filter(pk__in=user_ids).values_list("pk", "email")
    )
    labels: dict[str, Mapping[Any, Any]] = {
        "status": dict(TaskStatus.choices),
        "priority": dict(TaskPriority.choices),
        "assignee": members,
        "owner": users,
    }
    hidden = {"tenant", "created_at"}
    timeline: list[dict[str, Any]] = []
    for event in events:
        changes: list[dict[str, Any]] = []
        for name, values in sorted((event.changes or {}).items()):
            if name in hidden or not isinstance(values, dict):
                continue
            shown = labels.get(name, {})
            changes.append(
                {
                    "field": name,
                    "label": _field_label(name),
                    "old": _shown(values.get("old"), shown),
                    "new": _shown(values.get("new"), shown),
                }
            )
        timeline.append({"event": event, "kind": _event_kind(event.action), "changes": changes})
    return timeline


def _field_label(name: str) -> str:
    try:
        field = Task._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a transition's own input (e.g. a reason)
        return name.replace("_", " ").capitalize()
    if isinstance(field, ForeignObjectRel):  # a reverse relation has no verbose name
        return name.replace("_", " ").capitalize()
    return str(field.verbose_name).capitalize()


def _shown(value: Any, labels: Mapping[Any, Any]) -> str | None:
    if value in (None, ""):
        return None
    return str(labels.get(value, value))


def _event_kind(action: str) -> str:
    if action.startswith("task.transition."):
        return "status"
    return action
