"""Per-request (and per-Celery-task) context: the request id and the active tenant.

Context variables rather than thread-locals, so they are right under threads, asyncio and
Celery's prefork workers alike. Set them only through the context managers here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("opsbase_request_id", default=None)
tenant_id_var: ContextVar[int | None] = ContextVar("opsbase_tenant_id", default=None)
client_var: ContextVar[dict | None] = ContextVar("opsbase_client", default=None)


@contextlib.contextmanager
def bind(var: ContextVar, value) -> Iterator[None]:
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


def current_request_id() -> str | None:
    return request_id_var.get()


def current_tenant_id() -> int | None:
    return tenant_id_var.get()


def tenant_context(tenant) -> contextlib.AbstractContextManager[None]:
    """Run a block with *tenant* (a Tenant or its id) as the active tenant."""
    return bind(tenant_id_var, getattr(tenant, "pk", tenant))


def current_client() -> dict:
    """IP address and user agent of the current request, when there is one."""
    return client_var.get() or {}
