"""The Celery application; the tenant and request id travel with every task.

When a task is sent, the active tenant and request id go into its headers; when a worker runs
it, they are bound again for the task's duration, so logs, cache keys and audit events of
background work carry the same tenant as the request that queued it.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

from .context import request_id_var, tenant_id_var

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("opsbase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

TENANT_HEADER = "opsbase_tenant_id"
REQUEST_HEADER = "opsbase_request_id"


@before_task_publish.connect
def _attach_context(headers=None, **_kwargs) -> None:
    if headers is None:
        return
    headers.setdefault(TENANT_HEADER, tenant_id_var.get())
    headers.setdefault(REQUEST_HEADER, request_id_var.get())


@task_prerun.connect
def _bind_context(task=None, **_kwargs) -> None:
    request = task.request
    # Eager tasks run inside the caller's context and carry no headers: keep what is bound.
    tenant_id = _header(request, TENANT_HEADER, tenant_id_var.get())
    request_id = _header(request, REQUEST_HEADER, request_id_var.get())
    request._opsbase_tokens = (tenant_id_var.set(tenant_id), request_id_var.set(request_id))


def _header(request, name: str, default):
    value = getattr(request, name, None)
    if value is None and isinstance(getattr(request, "headers", None), dict):
        value = request.headers.get(name)
    return default if value is None else value


@task_postrun.connect
def _unbind_context(task=None, **_kwargs) -> None:
    tokens = getattr(task.request, "_opsbase_tokens", None)
    if tokens:
        tenant_id_var.reset(tokens[0])
        request_id_var.reset(tokens[1])
