"""System checks of the kernel: the row-level security wiring, the database role, and the
development defaults a production server must not keep."""

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


# Backends that keep what they hold inside one process, or deliver no e-mail.
_PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)
_UNDELIVERED_EMAIL = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)


def production_defaults() -> list[checks.CheckMessage]:
    """The embedded development defaults a production server must not keep: e-mail that is
    never sent, a cache each worker process holds alone, tasks run inside the request."""
    messages: list[checks.CheckMessage] = []
    email = str(getattr(settings, "EMAIL_BACKEND", ""))
    if email in _UNDELIVERED_EMAIL:
        messages.append(
            checks.Warning(
                f"E-mail is not sent: EMAIL_BACKEND is {email.rsplit('.', 2)[-2]}, so "
                "invitations and password resets never reach anyone.",
                hint="Set EMAIL_URL, e.g. EMAIL_URL=smtp+tls://USER:PASSWORD@smtp.example.com:587.",
                id="opsbase.W020",
            )
        )
    backends = {alias: str(config.get("BACKEND", "")) for alias, config in settings.CACHES.items()}
    local = sorted(alias for alias, backend in backends.items() if backend in _PER_PROCESS_CACHES)
    if local:
        messages.append(
            checks.Warning(
                f"The cache {', '.join(local)} lives in each process (LocMemCache): with "
                "several workers every request reads the cache versions from the database "
                "(one more query), and the API's request throttles (anon, user) count per "
                "process (the sign-in limit is counted in the database).",
                hint="Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0.",
                id="opsbase.W021",
            )
        )
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not int(
        getattr(settings, "OPSBASE_TRUSTED_PROXIES", 0) or 0
    ):
        messages.append(
            checks.Warning(
                "A proxy stands in front (SECURE_PROXY_SSL_HEADER is set) but "
                "OPSBASE_TRUSTED_PROXIES is 0: every client shares the proxy's address, so "
                "one attacker's failed sign-ins throttle everyone and the audit records no "
                "client address.",
                hint="Set OPSBASE_TRUSTED_PROXIES=1 when one proxy (nginx) replaces "
                "X-Forwarded-For with $remote_addr, as the nginx site OpsBase writes does.",
                id="opsbase.W023",
            )
        )
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        messages.append(
            checks.Warning(
                "Celery runs tasks eagerly, inside the request that queues them: a slow or "
                "failing task (an e-mail) slows or breaks the page.",
                hint="Set CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/1, and run a worker.",
                id="opsbase.W022",
            )
        )
    return messages


@checks.register("opsbase", deploy=True)
def check_production_defaults(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``check --deploy``: none of the development defaults is left in production."""
    return production_defaults()
