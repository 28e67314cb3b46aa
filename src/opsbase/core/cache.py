"""Tenant-scoped cache keys: one tenant's cached data can never answer another's request."""

from __future__ import annotations

from django.core.cache import cache

from .context import current_tenant_id
from .exceptions import TenantScopeRequired


def tenant_cache_key(key: str, tenant=None) -> str:
    """*key* prefixed with the tenant (given, else the active one); raises without a tenant."""
    tenant_id = getattr(tenant, "pk", tenant) if tenant is not None else current_tenant_id()
    if tenant_id is None:
        raise TenantScopeRequired(f"Cache key {key!r} needs a tenant and none is active.")
    return f"t{tenant_id}:{key}"


class TenantCache:
    """``get``/``set``/``delete`` on the default cache under tenant-scoped keys."""

    def get(self, key: str, default=None, *, tenant=None):
        return cache.get(tenant_cache_key(key, tenant), default)

    def set(self, key: str, value, timeout=None, *, tenant=None) -> None:
        cache.set(tenant_cache_key(key, tenant), value, timeout)

    def delete(self, key: str, *, tenant=None) -> None:
        cache.delete(tenant_cache_key(key, tenant))


tenant_cache = TenantCache()
