"""Fill a PostgreSQL database with benchmark data: tenants, users, memberships and tasks.

Rows go in with ``COPY`` (a million tasks in about a minute here); roles go through the
kernel's own service so every tenant has exactly what a real one has. The first tenant,
``bench``, is the one the load run signs in to: its Admin gets an API token and a session.

Run through ``bench.run`` (which sets the environment); ``--tenants/--users/--tasks`` scale it.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from opsbase.kernel.accounts.models import User
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.models import Role
from opsbase.kernel.roles.services import roles_ensure_defaults
from opsbase.kernel.tenants.models import Membership, Tenant
from opsbase.modules.tasks.models import Task

from .scale import Scale

TITLES = ("Calibrate", "Inspect", "Replace", "Order", "Review", "Clean", "Audit", "Ship")
THINGS = ("pump 4", "line B", "the press", "filters", "invoice 2231", "dock door", "forklift")


def _copy(model, columns: list[str], rows) -> int:
    """``COPY`` *rows* (tuples in *columns* order) into *model*'s table; the row count."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(
            f"COPY {table} ({names}) FROM STDIN"  # noqa: S608 - names come from model metadata
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _reset_sequence(model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM " + table + "))",  # noqa: S608
            [table],
        )


def existing_tasks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {Task._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0]


def generate(scale: Scale, *, seed: int = 42, log=print) -> None:
    """Fill the database in one transaction, then vacuum it (which cannot run inside one)."""
    with transaction.atomic():
        _fill(scale, seed=seed, log=log)
    # Statistics for the planner, and the visibility map, without which an index-only scan
    # (a tenant's COUNT) still visits every heap page, as it would not on a settled table.
    log("vacuum (analyze)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    log("done")


def _fill(scale: Scale, *, seed: int, log) -> None:
    """Create *scale*'s rows in an empty database (after ``migrate``)."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    now = timezone.now()
    users_per_tenant = max(3, scale.users // scale.tenants)
    tasks_per_tenant = max(1, scale.tasks // scale.tenants)

    log(f"tenants: {scale.tenants}")
    tenants = Tenant.objects.bulk_create(
        Tenant(name="Bench" if i == 0 else f"Tenant {i}", slug="bench" if i == 0 else f"t{i}")
        for i in range(scale.tenants)
    )
    for tenant in tenants:
        roles_ensure_defaults(tenant=tenant)
    roles = {
        (r.tenant_id, r.kind): r.pk
        for r in Role.objects.unscoped().filter(kind__in=[k.value for k in RoleKind])
    }

    log(f"users: {users_per_tenant * scale.tenants}")
    password = make_password("bench-password")
    user_rows = []
    for t, _tenant in enumerate(tenants):
        for u in range(users_per_tenant):
            email = f"u{u}@t{t}.bench"
            user_rows.append((email, password, "User", f"{u} of {t}", True, False, False, now))
    _copy(
        User,
        [
            "email",
            "password",
            "first_name",
            "last_name",
            "is_active",
            "is_staff",
            "is_superuser",
            "date_joined",
        ],
        user_rows,
    )
    user_ids = dict(User.objects.values_list("email", "pk"))

    log("memberships")

    def kind_of(u: int) -> str:
        return RoleKind.ADMIN if u == 0 else RoleKind.MANAGER if u == 1 else RoleKind.USER

    _copy(
        Membership,
        ["tenant_id", "user_id", "role_id", "is_active", "created_at", "updated_at"],
        (
            (
                tenant.pk,
                user_ids[f"u{u}@t{t}.bench"],
                roles[(tenant.pk, kind_of(u))],
                True,
                now,
                now,
            )
            for t, tenant in enumerate(tenants)
            for u in range(users_per_tenant)
        ),
    )
    members: dict[int, list[tuple[int, int]]] = {}
    for pk, tenant_id, user_id in Membership.objects.unscoped().values_list(
        "pk", "tenant_id", "user_id"
    ):
        members.setdefault(tenant_id, []).append((pk, user_id))

    log(f"tasks: {tasks_per_tenant * scale.tenants}")
    statuses = [s for s, _label in Task._meta.get_field("status").choices]
    priorities = [p for p, _label in Task._meta.get_field("priority").choices]
    today = now.date()

    def task_rows():
        for tenant in tenants:
            people = members[tenant.pk]
            for n in range(tasks_per_tenant):
                _owner_membership, owner = rng.choice(people)
                assignee = rng.choice(people)[0] if rng.random() < 0.7 else None
                status = rng.choice(statuses)
                created = now - dt.timedelta(minutes=n * 7 + rng.randrange(7))
                yield (
                    tenant.pk,
                    f"{rng.choice(TITLES)} {rng.choice(THINGS)} #{n}",
                    "",
                    status,
                    rng.choice(priorities),
                    today + dt.timedelta(days=rng.randrange(-30, 60)),
                    owner,
                    assignee,
                    created if status == "done" else None,
                    created,
                    created,
                )

    _copy(
        Task,
        [
            "tenant_id",
            "title",
            "description",
            "status",
            "priority",
            "due_date",
            "owner_id",
            "assignee_id",
            "completed_at",
            "created_at",
            "updated_at",
        ],
        task_rows(),
    )
    for model in (User, Membership, Task):
        _reset_sequence(model)
