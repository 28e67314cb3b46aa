"""Built-in roles kept up to date with the permissions the installed code declares."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def offer_new_permissions(sender=None, using: str = "default", **kwargs) -> None:
    """``post_migrate``: each organization's built-in Manager and User roles get the default
    codenames they were never offered (``roles_sync_builtin``); Admin holds everything."""
    from django.db import connections

    from opsbase.kernel.tenants.models import Tenant

    from .services import roles_sync_builtin

    tables = connections[using].introspection.table_names()
    if Tenant._meta.db_table not in tables:  # migrating backwards, or a partial migrate
        return
    for tenant in Tenant.objects.using(using).order_by("pk"):
        for sync in roles_sync_builtin(tenant=tenant).values():
            if sync.outcome != "unchanged":
                logger.info(
                    "%s: %s %s (%s)",
                    tenant.slug,
                    sync.role.name,
                    sync.outcome,
                    ", ".join(sync.changed),
                )
