"""The scheduler racing itself, with real threads and connections (PostgreSQL and MariaDB):
two runs at once for the same day create each due order once."""

import pytest

from opsbase.modules.maintenance.models import MaintenanceOrder
from opsbase.modules.maintenance.services import maintenance_generate_due
from opsbase.modules.workorders.models import WorkOrder
from opsbase.testing.concurrency import in_threads, needs_row_locks


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_create_each_due_order_once(world, make_plan):
    plans = [make_plan(world.spare) for _ in range(6)]

    made = in_threads(
        [maintenance_generate_due, maintenance_generate_due, maintenance_generate_due]
    )

    assert sum(made) == 6
    for plan in plans:
        assert MaintenanceOrder.objects.for_tenant(world.home).filter(plan_id=plan.pk).count() == 1
    assert WorkOrder.objects.for_tenant(world.home).filter(type="maintenance").count() == 6
