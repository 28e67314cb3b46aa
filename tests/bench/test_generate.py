"""The benchmark's data generator (``bench.generate``) on a small scale, against PostgreSQL.

``make bench`` fills its database with it before the first load run; a generator that breaks
only shows there, minutes into a run, so it is exercised here on a few rows.
"""

import pytest
from bench.generate import existing_tasks, generate
from bench.scale import Scale
from django.db import connection

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership, Tenant
from opsbase.modules.tasks.models import Task

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the generator uses PostgreSQL's COPY"
    ),
    # VACUUM cannot run inside the transaction a plain django_db test wraps itself in.
    pytest.mark.django_db(transaction=True),
]


def test_generate_fills_every_tenant_and_leaves_the_tables_usable():
    generate(Scale(tenants=3, users=12, tasks=60), log=lambda _message: None)

    assert existing_tasks() == 60
    tenants = list(Tenant.objects.order_by("pk"))
    assert [t.slug for t in tenants][0] == "bench"
    assert len(tenants) == 3
    for tenant in tenants:
        members = Membership.objects.for_tenant(tenant).select_related("role")
        assert members.count() == 4
        kinds = sorted(m.role.kind for m in members)
        assert kinds.count(RoleKind.ADMIN) == 1
        assert Task.objects.for_tenant(tenant).count() == 20
    # The load run signs in as the first tenant's Admin.
    admin = (
        Membership.objects.unscoped().select_related("user", "role").get(user__email="u0@t0.bench")
    )
    assert admin.role.kind == RoleKind.ADMIN
    # The sequences were moved past the copied ids: an ordinary insert does not collide.
    bench = tenants[0]
    task = Task.objects.create(tenant=bench, title="after the copy", owner=admin.user)
    assert task.pk > max(Task.objects.unscoped().exclude(pk=task.pk).values_list("pk", flat=True))


def test_generate_leaves_planner_statistics():
    generate(Scale(tenants=2, users=4, tasks=10), log=lambda _message: None)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL "
            "FROM pg_stat_user_tables WHERE relname = %s",
            [Task._meta.db_table],
        )
        assert cursor.fetchone()[0] is True
