"""PostgreSQL row-level security: the database's own guard under the fail-closed managers.

Every table of a concrete ``TenantOwnedModel`` subclass gets ``ENABLE`` and ``FORCE ROW LEVEL
SECURITY`` and one policy: a row is visible (and may be written) only when its tenant is the
one named by the transaction-local setting ``opsbase.tenant_id``, or when the trusted-code
setting ``opsbase.bypass_rls`` is ``on``. With neither set, a query sees nothing.

How the setting reaches the database. Every data statement (SELECT, INSERT, UPDATE, DELETE,
WITH) sent through Django goes, in the same round trip and the same transaction, with::

    SELECT set_config('opsbase.tenant_id', '<id>', true), set_config('opsbase.bypass_rls', ..)

With values bound on the server (``DATABASE_PREPARED_STATEMENTS``, the default) the two are
sent in one psycopg pipeline with no Sync between them, each a statement psycopg prepares
once it repeats; with client-side binding the setting prefixes the statement in one string,
and a string of several statements runs as one transaction. Either way the values are local
to the statement in autocommit mode and to the enclosing transaction inside ``atomic()``:
nothing outlives the transaction, which is what makes it safe behind a transaction-pooling pgbouncer
and correct with ``ATOMIC_REQUESTS`` off. The values come from context variables:

* the tenant: ``opsbase.core.context.tenant_id_var`` (bound per request by the membership
  middleware or the API token, per Celery task from its headers, or by ``tenant_context``);
* the scope: inside a request (``RlsScopeMiddleware``) or a Celery task the policy is
  enforced; outside of them (management commands, migrations, the shell, a test calling a
  service directly) the code is the operator's own and runs as ``system`` (bypass);
* explicit bypass: ``rls_bypass()``, used by ``TenantQuerySet.unscoped()`` (the one marker
  of deliberate cross-tenant reads) and by the Django admin for staff.

Superusers always bypass row-level security; the application must connect as an ordinary
role (the table owner is fine: FORCE makes the policy apply to it too).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import connections, transaction

from .context import bind, tenant_id_var

if TYPE_CHECKING:
    from django.db.models import Model

POLICY_NAME = "opsbase_tenant_isolation"
# Stored as the policy's comment: a policy written by another version is written again.
POLICY_VERSION = "opsbase rls 3"
TENANT_SETTING = "opsbase.tenant_id"
BYPASS_SETTING = "opsbase.bypass_rls"

# True: the policy applies (requests, tasks). False: trusted code outside them (system).
rls_enforced_var: ContextVar[bool] = ContextVar("opsbase_rls_enforced", default=False)
# True: deliberate cross-tenant access inside an enforced scope.
rls_bypass_var: ContextVar[bool] = ContextVar("opsbase_rls_bypass", default=False)

_DATA_STATEMENT = re.compile(r"^[\s(]*(SELECT|INSERT|UPDATE|DELETE|WITH|VALUES|TABLE)\b", re.I)
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9-]*$")


def rls_active(connection=None) -> bool:
    """True when row-level security is switched on for *connection* (default: ``default``)."""
    from opsbase.conf import setting

    connection = connection or connections["default"]
    return connection.vendor == "postgresql" and bool(setting("POSTGRES_RLS"))


# -- scopes ---------------------------------------------------------------------------------


def rls_bypass() -> contextlib.AbstractContextManager[None]:
    """Run a block across tenants (trusted code only: cross-tenant lookups, admin, jobs)."""
    return bind(rls_bypass_var, True)


def rls_enforced() -> contextlib.AbstractContextManager[None]:
    """Run a block under the policy: only the bound tenant's rows, none without a tenant."""
    return bind(rls_enforced_var, True)


def current_rls_values() -> tuple[str, str]:
    """The (tenant id, bypass) pair the next statement will carry."""
    bypass = rls_bypass_var.get() or not rls_enforced_var.get()
    tenant_id = tenant_id_var.get()
    tenant = "" if tenant_id is None else str(tenant_id)
    if not _SAFE_VALUE.match(tenant):
        raise ValueError(f"A tenant id must be an integer or a UUID, got {tenant!r}.")
    return tenant, "on" if bypass else "off"


class RlsScopeMiddleware:
    """Puts every request under the policy; place it first (before anything reads data)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with rls_enforced():
            return self.get_response(request)


class AdminRlsBypassMiddleware:
    """Staff in the Django admin see every tenant's rows, as the admin's querysets intend."""

    def __init__(self, get_response):
        from opsbase.conf import setting

        self.get_response = get_response
        self.prefix = "/" + str(setting("ADMIN_URL")).lstrip("/")

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.path.startswith(self.prefix)
            and user is not None
            and user.is_authenticated
            and user.is_staff
        ):
            with rls_bypass():
                return self.get_response(request)
        return self.get_response(request)


# -- sending the setting with each statement ------------------------------------------------


def _prefix(tenant: str, bypass: str) -> str:
    return (
        f"SELECT set_config('{TENANT_SETTING}', '{tenant}', true), "
        f"set_config('{BYPASS_SETTING}', '{bypass}', true); "
    )


def _is_server_cursor(raw) -> bool:
    try:
        import psycopg
    except ImportError:  # psycopg2: named cursors have a name
        return getattr(raw, "name", None) is not None
    return isinstance(raw, psycopg.ServerCursor) or getattr(raw, "name", None) is not None


def _is_client_binding(raw) -> bool:
    try:
        import psycopg
    except ImportError:
        return True  # psycopg2 always binds on the client
    return isinstance(raw, psycopg.ClientCursor)


def rls_execute_wrapper(execute, sql, params, many, context):
    """``connection.execute_wrapper`` that sends the tenant with every data statement."""
    if not isinstance(sql, str) or not _DATA_STATEMENT.match(sql):
        return execute(sql, params, many, context)
    tenant, bypass = current_rls_values()
    connection = context["connection"]
    raw = context["cursor"].cursor
    if many or _is_server_cursor(raw):
        return _execute_separately(execute, sql, params, many, context, tenant, bypass)
    if not _is_client_binding(raw):
        return _execute_pipelined(execute, sql, params, many, context, tenant, bypass)
    result = execute(_prefix(tenant, bypass) + sql, params, many, context)
    if connection.Database.__name__ == "psycopg":
        # psycopg 3 keeps every statement's result; move on to the caller's.
        raw.nextset()
    return result


_SET_SQL = "SELECT set_config(%s, %s, {0}), set_config(%s, %s, {0})"


def _execute_pipelined(execute, sql, params, many, context, tenant, bypass):
    """Server-side binding (psycopg 3, ``DATABASE_PREPARED_STATEMENTS``): the setting and the
    statement are sent in one pipeline, so in one round trip and, with no Sync between them,
    in one transaction: an implicit one in autocommit mode, which the setting does not outlive.
    Each is a statement of its own with its values bound apart, so psycopg prepares both once
    they ran a few times on the connection, and PostgreSQL stops planning them on every
    request: the token lookup, a five-table join, took 0.89 ms planned each time and 0.14 ms
    prepared (the benchmark's data, the app role)."""
    connection = context["connection"]
    raw_connection = connection.connection
    values = [TENANT_SETTING, tenant, BYPASS_SETTING, bypass]
    setter = raw_connection.cursor()
    try:
        with connection.wrap_database_errors, raw_connection.pipeline():
            setter.execute(_SET_SQL.format("true"), values)
            return execute(sql, params, many, context)
    finally:
        setter.close()


def _execute_separately(execute, sql, params, many, context, tenant, bypass):
    """For statements that cannot share a string: executemany, server-side cursors."""
    connection = context["connection"]
    raw_connection = connection.connection
    values = [TENANT_SETTING, tenant, BYPASS_SETTING, bypass]
    set_sql = _SET_SQL
    if connection.in_atomic_block:
        with raw_connection.cursor() as cursor:
            cursor.execute(set_sql.format("true"), values)
        return execute(sql, params, many, context)
    if not _is_server_cursor(context["cursor"].cursor):
        with transaction.atomic(using=connection.alias):
            with raw_connection.cursor() as cursor:
                cursor.execute(set_sql.format("true"), values)
            return execute(sql, params, many, context)
    # A server-side cursor in autocommit is declared WITH HOLD: its rows are computed when
    # the DECLARE commits, so a session value set just before and cleared just after holds
    # for exactly that statement. (Behind a transaction pooler, Django requires
    # DISABLE_SERVER_SIDE_CURSORS anyway.)
    with raw_connection.cursor() as cursor:
        cursor.execute(set_sql.format("false"), values)
    try:
        return execute(sql, params, many, context)
    finally:
        with raw_connection.cursor() as cursor:
            cursor.execute(set_sql.format("false"), [TENANT_SETTING, "", BYPASS_SETTING, ""])


def install_execute_wrapper(sender=None, connection=None, **kwargs) -> None:
    """``connection_created`` receiver: add the wrapper to PostgreSQL connections."""
    if connection is None or not rls_active(connection):
        return
    if rls_execute_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(rls_execute_wrapper)


# -- policies -------------------------------------------------------------------------------


def tenant_models() -> list[type[Model]]:
    """Every installed concrete model that subclasses ``TenantOwnedModel``, by enumeration."""
    from .models import TenantOwnedModel

    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantOwnedModel)
        and not model._meta.proxy
        and model._meta.managed
        and not model._meta.abstract
    ]


def _policy_condition(model, connection) -> str:
    field = model._meta.get_field("tenant")
    column = connection.ops.quote_name(field.column)
    db_type = field.db_type(connection) or "bigint"
    # Each setting is read in a scalar sub-select, which PostgreSQL computes once per query
    # (an InitPlan) instead of once per row: with ~3,000 rows a tenant this halved a list
    # query's time (measured with EXPLAIN ANALYZE on the benchmark's data).
    tenant = f"(SELECT NULLIF(current_setting('{TENANT_SETTING}', true), '')::{db_type})"
    bypass = f"(SELECT current_setting('{BYPASS_SETTING}', true))"
    # Written as a CASE, not "a = b OR c = 'on'": the planner estimates that OR at well under
    # 1% of the rows the query's own tenant filter leaves (it cannot know both name the same
    # tenant), and for a list ordered and limited to 50 it then joined all of a tenant's
    # 1,000 tasks before sorting them (4 ms) instead of walking the ordered index (0.5 ms).
    # A CASE it estimates at one half, which leaves the query's own estimates in charge.
    # Same rows either way: a NULL comparison (no tenant set) falls through to false.
    return (
        f"(CASE WHEN {column} = {tenant} THEN true WHEN {bypass} = 'on' THEN true ELSE false END)"
    )


def policy_statements(model, connection) -> list[str]:
    table = connection.ops.quote_name(model._meta.db_table)
    condition = _policy_condition(model, connection)
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY_NAME} ON {table}",
        f"CREATE POLICY {POLICY_NAME} ON {table} AS PERMISSIVE FOR ALL "
        f"USING {condition} WITH CHECK {condition}",
        f"COMMENT ON POLICY {POLICY_NAME} ON {table} IS '{POLICY_VERSION}'",
    ]


def removal_statements(model, connection) -> list[str]:
    table = connection.ops.quote_name(model._meta.db_table)
    return [
        f"DROP POLICY IF EXISTS {POLICY_NAME} ON {table}",
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
    ]


def rls_status(using: str = "default") -> dict[str, dict[str, bool]]:
    """For each tenant table: is RLS enabled, forced, and does it carry our policy?"""
    connection = connections[using]
    tables = [m._meta.db_table for m in tenant_models()]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policy p
                           WHERE p.polrelid = c.oid AND p.polname = %s
                             AND pg_get_expr(p.polqual, p.polrelid) LIKE %s
                             AND pg_get_expr(p.polwithcheck, p.polrelid) LIKE %s
                             AND obj_description(p.oid, 'pg_policy') = %s)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = ANY(%s) AND n.nspname = ANY(current_schemas(false))
            """,
            [POLICY_NAME, f"%{TENANT_SETTING}%", f"%{TENANT_SETTING}%", POLICY_VERSION, tables],
        )
        found = {
            name: {"enabled": enabled, "forced": forced, "policy": policy}
            for name, enabled, forced, policy in cursor.fetchall()
        }
    missing = {"enabled": False, "forced": False, "policy": False}
    return {table: found.get(table, dict(missing)) for table in tables}


def _existing_tables(using: str) -> set[str]:
    return set(connections[using].introspection.table_names())


def rls_problems(using: str = "default") -> list[str]:
    """What differs from the setting: one line per table, empty when all is as it should be."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    wanted = rls_active(connection)
    problems = []
    existing = _existing_tables(using)
    for table, state in rls_status(using).items():
        if table not in existing:
            continue  # not migrated yet: migrate creates it, then guards it
        if wanted and not all(state.values()):
            lacking = ", ".join(k for k, v in state.items() if not v)
            problems.append(f"{table}: row-level security lacks {lacking}")
        elif not wanted and any(state.values()):
            problems.append(f"{table}: row-level security is on but OPSBASE_POSTGRES_RLS is off")
    return problems


def rls_apply(using: str = "default", *, only_changed: bool = False) -> list[str]:
    """Install (or, when switched off, remove) the policy on every tenant table.

    With *only_changed*, tables already as they should be are left alone (no lock taken).
    Returns the tables changed. Needs the table owner's rights (the role that migrates).
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    wanted = rls_active(connection)
    models = tenant_models()
    if only_changed:
        status = rls_status(using)
        flags = {m: status[m._meta.db_table].values() for m in models}
        models = [m for m in models if (not all(flags[m]) if wanted else any(flags[m]))]
    tables = []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for model in models:
            statements = (
                policy_statements(model, connection)
                if wanted
                else removal_statements(model, connection)
            )
            for statement in statements:
                cursor.execute(statement)
            tables.append(model._meta.db_table)
    return tables


def apply_after_migrate(sender=None, using: str = "default", **kwargs) -> None:
    """``post_migrate`` receiver: every app's tenant tables exist now; guard them all."""
    if connections[using].vendor == "postgresql":
        rls_apply(using, only_changed=True)


@contextlib.contextmanager
def rls_tenant(tenant) -> Iterator[None]:
    """Enforce the policy for *tenant* (a Tenant or its id) in a block: for tests and jobs."""
    from .context import tenant_context

    with rls_enforced(), tenant_context(tenant):
        yield


# -- Celery ---------------------------------------------------------------------------------


def enforce_in_task(task=None, **kwargs) -> None:
    """``task_prerun``: a task runs under the policy, for the tenant it was sent with."""
    if task is not None:
        task.request._opsbase_rls_token = rls_enforced_var.set(True)


def release_after_task(task=None, **kwargs) -> None:
    token = getattr(getattr(task, "request", None), "_opsbase_rls_token", None)
    if token is not None:
        rls_enforced_var.reset(token)
        task.request._opsbase_rls_token = None


def rls_row_scope(tenant_id) -> contextlib.AbstractContextManager[None]:
    """Write rows of *tenant_id* whichever tenant the caller acts in (a new organization's
    first rows, an accepted invitation, an audit event of another chain). Rows of no tenant
    (the audit system chain) are kernel records, written as trusted code."""
    from .context import tenant_context

    if tenant_id is None:
        return rls_bypass()
    return tenant_context(tenant_id)
