"""System checks of the kernel: the row-level security wiring and the database role."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.db import connections


@checks.register(checks.Tags.security)
def check_rls_middleware(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """With RLS on, requests must run under the policy; without the middleware they run as
    trusted code and the database guard is silently off."""
    from .rls import rls_active

    if not rls_active(connections["default"]):
        return []
    if "opsbase.core.rls.RlsScopeMiddleware" in settings.MIDDLEWARE:
        return []
    return [
        checks.Error(
            "PostgreSQL row-level security is on but opsbase.core.rls.RlsScopeMiddleware is "
            "not in MIDDLEWARE, so requests would not be held to their tenant.",
            hint="Add it at the top of MIDDLEWARE, or set OPSBASE_POSTGRES_RLS=false.",
            id="opsbase.E001",
        )
    ]


@checks.register(checks.Tags.database)
def check_rls_database(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """``check --database default``: the role bypasses nothing and every table is guarded."""
    from .rls import rls_active, rls_problems

    messages: list[checks.CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        if not rls_active(connection):
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
            )
            row = cursor.fetchone()
        if row and row[0]:
            messages.append(
                checks.Warning(
                    f"Database {alias!r}: the application connects as a role that bypasses "
                    "row-level security (superuser or BYPASSRLS), so the policies do nothing.",
                    hint="Connect as an ordinary role (the one `opsbase new` creates).",
                    id="opsbase.W003",
                )
            )
        # A warning, not an error: migrate runs these checks first, and migrate is the cure.
        messages.extend(
            checks.Warning(problem, hint="Run `manage.py opsbase_rls --apply`.", id="opsbase.W004")
            for problem in rls_problems(alias)
        )
    return messages
