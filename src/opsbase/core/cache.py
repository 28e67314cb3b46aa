"""Tenant-scoped cache keys: one tenant's cached data can never answer another's request."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from collections.abc import Iterable
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

from .context import bind, current_tenant_id
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


# Versions read during one request: each from the cache once (those the request will need,
# named up front, in one round trip). A write in the request replaces what it bumps, so the
# writer's own later reads are fresh; another process's write during the request is seen by
# the next one, as if it had come just after.
_versions_var: ContextVar[dict[str, str] | None] = ContextVar("opsbase_versions", default=None)


def versions_snapshot() -> contextlib.AbstractContextManager[None]:
    """Within the block, every version is read from the cache at most once."""
    return bind(_versions_var, {})


def versions_prefetch(*, tenants: Iterable[object] = (), names: Iterable[str] = ()) -> None:
    """Read the versions of *tenants* and *names* in one round trip into the block's snapshot
    (no-op outside ``versions_snapshot``; a cache that is down is left to the readers)."""
    seen = _versions_var.get()
    if seen is None:
        return
    keys = [tenant_cache_key(VERSION_KEY, t) for t in tenants]
    keys += [_global_key(name) for name in names]
    try:
        found = cache.get_many([k for k in keys if k not in seen])
    except Exception:
        logger.warning("cache unavailable, versions not prefetched", exc_info=True)
        return
    seen.update((key, str(value)) for key, value in found.items())


def _version(key: str) -> str:
    seen = _versions_var.get()
    if seen is not None and key in seen:
        return seen[key]
    version = cache.get(key)
    if version is None:
        cache.add(key, _new_version(), timeout=None)
        version = cache.get(key)
    if seen is not None:
        seen[key] = str(version)
    return str(version)


def tenant_version(tenant) -> str:
    """The current version of *tenant*'s data (a Tenant or its id), made on first use."""
    return _version(tenant_cache_key(VERSION_KEY, tenant))


def _bump(key: str) -> None:
    seen = _versions_var.get()
    if seen is not None:
        seen.pop(key, None)
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


def _global_key(name: str) -> str:
    return f"opsbase:{name}:version"


def global_version(name: str) -> str:
    """The current version of *name* (e.g. ``auth``), made on first use."""
    return _version(_global_key(name))


def global_version_bump(name: str) -> None:
    """Make everything cached under *name*'s version unreachable, now and after the commit."""
    key = _global_key(name)
    _bump(key)
    transaction.on_commit(lambda: _bump(key))
