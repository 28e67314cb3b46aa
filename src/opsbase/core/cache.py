"""Tenant-scoped cache keys: one tenant's cached data can never answer another's request."""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.core.cache import cache
from django.db import transaction

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


# -- per-tenant versions: what was cached for a tenant before its last write is never read --
#
# Every write to a tenant's data calls ``tenant_version_bump`` (the tasks app does it from its
# model signals, so services, the admin and factories are all covered). Cached answers are
# keyed by the tenant's current version, so a write makes every earlier answer unreachable at
# once, on every process, without listing or deleting keys. A version is a random token, not
# a counter: a version evicted from the cache and made again can never equal an old one.

VERSION_KEY = "version"
logger = logging.getLogger(__name__)


def _new_version() -> str:
    return secrets.token_hex(8)


def tenant_version(tenant) -> str:
    """The current version of *tenant*'s data (a Tenant or its id), made on first use."""
    key = tenant_cache_key(VERSION_KEY, tenant)
    version = cache.get(key)
    if version is None:
        cache.add(key, _new_version(), timeout=None)
        version = cache.get(key)
    return str(version)


def _bump(key: str) -> None:
    try:
        cache.set(key, _new_version(), timeout=None)
    except Exception:
        # A cache that is down serves nothing either; say so, but never fail the write.
        logger.exception("Could not invalidate the cache key %s", key)


def tenant_version_bump(tenant) -> None:
    """Make every answer cached for *tenant* unreachable: now, and again after the commit.

    Now, so that the writer's own next read (even inside its transaction) is fresh; after the
    commit, so that a reader that cached the pre-commit rows meanwhile is also superseded.
    """
    key = tenant_cache_key(VERSION_KEY, tenant)
    _bump(key)
    transaction.on_commit(lambda: _bump(key))


def versioned_key(kind: str, tenant, *parts: object) -> str | None:
    """A cache key for *kind* under *tenant*'s current version; *parts* say what it answers
    (who asks, with which query), hashed so any text is a safe key. None when the cache is
    unreachable: the caller then computes the answer without caching it."""
    try:
        version = tenant_version(tenant)
    except TenantScopeRequired:
        raise
    except Exception:
        logger.warning("cache unavailable, computing the answer", exc_info=True)
        return None
    digest = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]
    return tenant_cache_key(f"{kind}:{version}:{digest}", tenant)


def cache_get(key: str):
    """``cache.get`` that answers None (a miss) when the cache is unreachable."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("cache unavailable, computing the answer", exc_info=True)
        return None


def cache_set(key: str, value, timeout: int | None) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache unavailable, answer not stored", exc_info=True)


# -- cache-wide versions: the same, for data that is not one tenant's (who may sign in) ------


def global_version(name: str) -> str:
    """The current version of *name* (e.g. ``auth``), made on first use."""
    key = f"opsbase:{name}:version"
    version = cache.get(key)
    if version is None:
        cache.add(key, _new_version(), timeout=None)
        version = cache.get(key)
    return str(version)


def global_version_bump(name: str) -> None:
    """Make everything cached under *name*'s version unreachable, now and after the commit."""
    key = f"opsbase:{name}:version"
    _bump(key)
    transaction.on_commit(lambda: _bump(key))
