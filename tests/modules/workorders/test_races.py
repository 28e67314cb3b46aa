"""Work-order writes racing each other, with real threads and connections (PostgreSQL and
MariaDB): numbers never collide, and operations ticked at once leave the stored progress
equal to what the rule works out from them."""

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.workorders.models import WorkOrder, progress_of
from opsbase.modules.workorders.selectors import operation_list
from opsbase.modules.workorders.services import (
    operation_update,
    workorder_create,
    workorder_transition,
)
from opsbase.testing.concurrency import in_threads, needs_row_locks


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_orders_created_at_once_get_distinct_numbers(world):
    manager = world.members[RoleKind.MANAGER]

    def create(n):
        return lambda: workorder_create(membership=manager, title=f"Race {n}").number

    numbers = in_threads([create(n) for n in range(24)])

    assert len(set(numbers)) == 24
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 25))


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_operations_ticked_at_once_leave_progress_true(world):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    order = workorder_create(
        membership=manager,
        title="Many hands",
        assignee=user,
        operations=[{"title": f"Step {n}", "planned_hours": str(n + 1)} for n in range(10)],
    )
    for move in ("plan", "release", "start"):
        workorder_transition(membership=manager, workorder=order, transition=move)
    operations = list(operation_list(work_order=order))

    def tick(operation):
        def job():
            fresh = WorkOrder.objects.for_tenant(world.home).get(pk=order.pk)
            operation_update(membership=user, work_order=fresh, operation=operation, done=True)

        return job

    in_threads([tick(o) for o in operations[:7]])

    stored = WorkOrder.objects.for_tenant(world.home).get(pk=order.pk).progress
    steps = operation_list(work_order=order).values_list("planned_hours", "done")
    assert stored == progress_of(steps)
    assert stored == int(sum(range(1, 8)) * 100 / sum(range(1, 11)))
