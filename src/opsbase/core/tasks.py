"""Background jobs of the kernel."""

from celery import shared_task

from .context import current_request_id, current_tenant_id


@shared_task(name="opsbase.core.context_probe")
def context_probe() -> dict:
    """The tenant and request id a worker sees: a diagnostic for context propagation."""
    return {"tenant_id": current_tenant_id(), "request_id": current_request_id()}
