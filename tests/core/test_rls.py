"""PostgreSQL row-level security: every tenant table is guarded by the database itself.

The suite may connect as the superuser ``postgres``, which bypasses every policy; these
tests therefore act as an ordinary role, ``opsbase_sec_app`` (``SET ROLE``), as a deployed
application does. Run as a non-superuser (the table owner), they hold just the same.
"""

import contextlib

import pytest
from celery import shared_task
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

import opsbase.core.celery  # noqa: F401 - the configured Celery app (eager in tests)
from opsbase.core.context import tenant_context
from opsbase.core.rls import (
    POLICY_NAME,
    rls_bypass,
    rls_enforced,
    rls_problems,
    rls_status,
    rls_tenant,
    tenant_models,
)
from opsbase.kernel.roles.models import Role
from opsbase.kernel.tenants.models import Invitation, Membership
from opsbase.testing.api import token_client
from opsbase.testing.factories import UserFactory
from opsbase.testing.matrix import build_world, session_client

pytestmark = [
    pytest.mark.serial,  # the PostgreSQL role it acts as
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level security is a PostgreSQL feature"
    ),
]

APP_ROLE = "opsbase_sec_app"
BYPASS = "opsbase.bypass_rls"


@contextlib.contextmanager
def as_app_role(*, local: bool):
    """Act as an ordinary role: the superuser switches to APP_ROLE; a non-superuser stays."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            yield
            return
        create = (
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}')"  # noqa: S608
            f" THEN CREATE ROLE {APP_ROLE} NOSUPERUSER; END IF; END $$"
        )
        cursor.execute(create)
        cursor.execute(
            f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}; "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}; "
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}"
        )
        cursor.execute(f"SET {'LOCAL ' if local else ''}ROLE {APP_ROLE}")
    try:
        yield
    finally:
        if not local:
            with connection.connection.cursor() as cursor:
                cursor.execute("RESET ROLE")


@pytest.fixture
def app_role(db):
    with as_app_role(local=True):
        with connection.connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
            )
            assert cursor.fetchone()[0] is False
        yield


def fresh_transaction_settings():
    """What a new transaction starts with: neither setting. (Inside a test's transaction,
    the last statement Django sent left its own values behind.)"""
    raw("SELECT set_config('opsbase.tenant_id', '', true), set_config(%s, '', true)", [BYPASS])


def raw(sql, params=None):
    """SQL sent straight to the driver: no Django wrapper, so no setting is added."""
    with connection.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def test_every_tenant_owned_table_carries_the_policy(db):
    models = tenant_models()
    status = rls_status()

    assert {Membership, Invitation, Role} <= set(models)
    lacking = {table: flags for table, flags in status.items() if not all(flags.values())}
    assert lacking == {}
    assert set(status) == {m._meta.db_table for m in models}


def test_a_table_that_lost_its_policy_is_reported_and_repaired(db):
    raw(f"DROP POLICY {POLICY_NAME} ON roles_role")

    assert rls_problems() == ["roles_role: row-level security lacks policy"]
    with pytest.raises(CommandError, match="roles_role"):
        call_command("opsbase_rls", "--check")
    call_command("opsbase_rls", "--apply")
    assert rls_problems() == []
    call_command("opsbase_rls", "--check")


def test_the_policy_reads_its_settings_once_per_query_not_once_per_row(world, app_role):
    """A per-row current_setting() doubled the cost of a tenant's list; a sub-select is
    computed once (an InitPlan) and the row check becomes a comparison with its result."""
    raw("SELECT set_config('opsbase.tenant_id', %s, true)", [str(world.home.pk)])

    plan = "\n".join(row[0] for row in raw("EXPLAIN SELECT id FROM roles_role WHERE id > 0"))

    assert "InitPlan" in plan
    filters = [line for line in plan.splitlines() if "Filter:" in line]
    assert filters and all("current_setting" not in line for line in filters), plan


def test_the_policy_leaves_the_planners_row_estimates_to_the_querys_own_filter(world, app_role):
    """Among many tenants, an "a = b OR c = 'on'" policy made the planner expect a handful of
    a tenant's rows, so an ordered, limited list joined every row before sorting; the policy's
    own selectivity must not shrink the estimate of the query's tenant filter."""
    from opsbase.kernel.tenants.models import Tenant
    from opsbase.modules.tasks.models import Task

    with rls_bypass():
        others = Tenant.objects.bulk_create(
            Tenant(name=f"Other {n}", slug=f"other-{n}") for n in range(60)
        )
        Task.objects.bulk_create(
            Task(tenant=tenant, title=f"Task {n}")
            for tenant in [*others, world.home]
            for n in range(200 if tenant is world.home else 4)
        )
    # Statistics need the table's owner (the login role); then back to the app's role.
    acting = raw("SELECT current_user")[0][0]
    raw(f"SET LOCAL ROLE {raw('SELECT session_user')[0][0]}")
    raw("ANALYZE tasks_task")
    raw(f"SET LOCAL ROLE {acting}")
    raw("SELECT set_config('opsbase.tenant_id', %s, true)", [str(world.home.pk)])

    plan = raw(
        "EXPLAIN (FORMAT JSON) SELECT id FROM tasks_task WHERE tenant_id = %s",
        [world.home.pk],
    )[0][0]

    assert plan[0]["Plan"]["Plan Rows"] >= 50  # of the tenant's 200 (the OR policy said 5)


def test_raw_sql_without_the_tenant_setting_sees_no_rows(world, app_role):
    everyone = Membership.objects.unscoped().count()  # the explicit cross-tenant path
    fresh_transaction_settings()

    counts = {
        m._meta.db_table: raw(f"SELECT count(*) FROM {m._meta.db_table}")[0][0]  # noqa: S608
        for m in tenant_models()
    }

    assert everyone == 7
    assert set(counts.values()) == {0}, counts


def test_raw_sql_with_the_setting_sees_only_that_tenant(world, app_role):
    fresh_transaction_settings()
    raw("SELECT set_config('opsbase.tenant_id', %s, true)", [str(world.home.pk)])

    tenants = raw("SELECT DISTINCT tenant_id FROM tenants_membership")
    roles = raw("SELECT DISTINCT tenant_id FROM roles_role")
    changed = raw(
        "UPDATE tenants_membership SET is_active = false WHERE tenant_id = %s", [world.away.pk]
    )

    assert tenants == [(world.home.pk,)]
    assert roles == [(world.home.pk,)]
    assert changed == 0  # another tenant's rows cannot even be found to be changed


def test_a_row_cannot_be_moved_into_another_tenant(world, app_role):
    import psycopg
    from django.db import transaction

    fresh_transaction_settings()
    raw("SELECT set_config('opsbase.tenant_id', %s, true)", [str(world.home.pk)])
    member = world.members["user"]

    with pytest.raises(psycopg.Error, match="row-level security"), transaction.atomic():
        raw(
            "UPDATE tenants_membership SET tenant_id = %s WHERE id = %s", [world.away.pk, member.pk]
        )


def test_the_orm_is_held_to_the_bound_tenant(world, app_role):
    home, away = world.home, world.away

    with rls_tenant(home):
        own = Membership.objects.for_tenant(home).count()
        wrong_filter = Membership.objects.for_tenant(away).count()
        base_manager = Membership._base_manager.count()
        crossing = Membership.objects.unscoped().count()
    with rls_enforced():
        no_tenant = Membership.objects.for_tenant(home).count()

    assert (own, wrong_filter, base_manager, crossing, no_tenant) == (4, 0, 4, 7, 0)


def test_rows_found_by_key_alone_are_still_held_to_the_bound_tenant(world, app_role):
    away_keys = list(Membership.objects.for_tenant(world.away).values_list("pk", flat=True))

    with rls_tenant(world.home):
        misused = list(Membership.objects.for_tenant(world.home).by_keys(away_keys))

    assert misused == []


def test_a_page_request_reads_only_its_tenants_rows(world, app_role, settings):
    settings.ROOT_URLCONF = "tests.core.rls_urls"
    client = session_client(world.members["admin"])

    seen = client.get("/test/rls/raw/").json()["rows"]
    members_page = client.get("/org/members/")

    assert seen == {str(world.home.pk): 4}
    assert members_page.status_code == 200
    assert world.members["user"].user.email in members_page.content.decode()
    assert world.away_members["user"].user.email not in members_page.content.decode()


def test_an_anonymous_request_reads_no_tenant_rows(world, app_role, settings):
    settings.ROOT_URLCONF = "tests.core.rls_urls"

    assert Client().get("/test/rls/raw/").json()["rows"] == {}


def test_the_api_works_under_the_policy(world, app_role):
    client = token_client(world.members["admin"])

    me = client.get("/api/v1/me/")
    members = client.get("/api/v1/memberships/")

    assert me.status_code == 200 and me.json()["tenant"]["slug"] == "acme"
    assert members.status_code == 200
    assert members.json()["count"] == 4


def test_staff_in_the_admin_see_every_tenant(world, app_role):
    staff = UserFactory(email="root@example.test", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)

    page = client.get("/admin/tenants/membership/")

    assert page.status_code == 200
    html = page.content.decode()
    assert str(world.members["user"].user) in html
    assert str(world.away_members["user"].user) in html


@pytest.mark.django_db(transaction=True)
def test_autocommit_statements_carry_the_setting_and_leave_nothing_behind():
    world = build_world()
    assert connection.get_autocommit()
    with as_app_role(local=False):
        with rls_tenant(world.home), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('opsbase.tenant_id', true)")
            inside = cursor.fetchone()[0]
            streamed = list(Membership.objects.for_tenant(world.home).iterator(chunk_size=3))
            streamed_away = list(Membership._base_manager.filter(tenant=world.away).iterator())
            cursor.executemany(
                "UPDATE tenants_membership SET is_active = is_active WHERE id = %s",
                [[m.pk] for m in streamed],
            )
        after = raw("SELECT current_setting('opsbase.tenant_id', true)")[0][0]
        leftover = raw("SELECT count(*) FROM tenants_membership")[0][0]

    assert inside == str(world.home.pk)
    assert (len(streamed), streamed_away) == (4, [])
    assert after in ("", None)
    assert leftover == 0


@pytest.mark.django_db(transaction=True)
def test_repeated_statements_are_prepared_and_each_still_carries_its_tenant():
    """The setting and the statement share a pipeline: prepared once they repeat, and each
    statement read under the tenant it was sent for, whichever ran before on the connection."""
    world = build_world()
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    with as_app_role(local=False):
        seen = []
        for _ in range(4):
            for tenant in (world.home, world.away):
                with rls_tenant(tenant):
                    seen.append(Membership.objects.for_tenant(world.home).count())
        prepared = raw("SELECT count(*) FROM pg_prepared_statements")[0][0]
        after = raw("SELECT current_setting('opsbase.tenant_id', true)")[0][0]

    assert seen == [4, 0] * 4
    assert prepared >= 2  # the setting and the count
    assert after in ("", None)


@pytest.mark.django_db(transaction=True)
def test_a_failing_statement_raises_djangos_error_and_leaves_the_connection_usable():
    from django.db import IntegrityError

    world = build_world()
    taken = world.members["user"]
    with as_app_role(local=False), rls_tenant(world.home):
        with pytest.raises(IntegrityError):
            Membership.objects.create(tenant=world.home, user=taken.user, role=taken.role)
        assert Membership.objects.for_tenant(world.home).count() == 4


@shared_task(name="tests.rls_membership_count")
def membership_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tenants_membership")
        return cursor.fetchone()[0]


def test_a_task_runs_under_the_tenant_it_was_sent_with(world, app_role):
    with tenant_context(world.home):
        of_home = membership_count.delay().get()
    without_tenant = membership_count.delay().get()

    assert (of_home, without_tenant) == (4, 0)


def test_management_code_outside_requests_runs_as_trusted_system_code(world, app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tenants_membership")
        assert cursor.fetchone()[0] == 7


def test_the_database_check_names_a_role_that_bypasses_and_a_table_left_open(db):
    from opsbase.core.checks import check_rls_database

    with as_app_role(local=True):
        clean = [m.id for m in check_rls_database(databases=["default"])]
        raw("RESET ROLE")  # back to the owner (or superuser) to break a policy
    raw(f"DROP POLICY {POLICY_NAME} ON tenants_invitation")
    found = check_rls_database(databases=["default"])

    assert clean == []
    assert any(m.id == "opsbase.W004" and "tenants_invitation" in m.msg for m in found)


def test_without_the_scope_middleware_the_check_fails(settings):
    from opsbase.core.checks import check_rls_middleware

    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RlsScopeMiddleware")]

    assert [m.id for m in check_rls_middleware()] == ["opsbase.E001"]


def test_migrate_rewrites_only_the_policies_that_differ(db):
    from opsbase.core.rls import rls_apply

    raw(f"DROP POLICY {POLICY_NAME} ON roles_role")
    raw(f"COMMENT ON POLICY {POLICY_NAME} ON tenants_membership IS 'opsbase rls 0'")

    changed = rls_apply(only_changed=True)

    assert sorted(changed) == ["roles_role", "tenants_membership"]
    assert rls_apply(only_changed=True) == []
    assert rls_problems() == []


def test_switched_off_the_policies_are_removed(db, settings):
    from opsbase.core.rls import rls_apply

    settings.OPSBASE_POSTGRES_RLS = False
    removed = rls_apply(only_changed=True)
    open_tables = [t for t, flags in rls_status().items() if any(flags.values())]

    assert set(removed) == {m._meta.db_table for m in tenant_models()}
    assert open_tables == []
    assert rls_problems() == []
