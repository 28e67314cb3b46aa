"""The scheduler racing itself, with real threads and connections (PostgreSQL and MariaDB):
two runs at once for the same day create each due order once."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from opsbase.modules.maintenance.models import MaintenanceOrder
from opsbase.modules.maintenance.services import maintenance_generate_due
from opsbase.modules.workorders.models import WorkOrder

row_locking = pytest.mark.skipif(
    connection.vendor not in ("postgresql", "mysql"), reason="needs PostgreSQL or MariaDB"
)


def _in_threads(jobs):
    start = threading.Barrier(len(jobs))

    def run(job):
        from django.db import connections

        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=10)
            return job()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


@row_locking
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_create_each_due_order_once(world, make_plan):
    plans = [make_plan(world.spare) for _ in range(6)]

    made = _in_threads(
        [maintenance_generate_due, maintenance_generate_due, maintenance_generate_due]
    )

    assert sum(made) == 6
    for plan in plans:
        assert MaintenanceOrder.objects.for_tenant(world.home).filter(plan_id=plan.pk).count() == 1
    assert WorkOrder.objects.for_tenant(world.home).filter(type="maintenance").count() == 6
