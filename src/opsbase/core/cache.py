"""Tenant-scoped cache keys: one tenant's cached data can never answer another's request."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from collections.abc import Iterable
from contextvars import ContextVar

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
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


class _Snapshot:
    def __init__(self) -> None:
        self.versions: dict[str, str] = {}
        self.entries: dict[str, object] = {}  # prefetched values, each read once


_snapshot_var: ContextVar[_Snapshot | None] = ContextVar("opsbase_versions", default=None)


def versions_snapshot() -> contextlib.AbstractContextManager[None]:
    """Within the block, every version is read from the cache at most once."""
    return bind(_snapshot_var, _Snapshot())


def versions_prefetch(
    *, tenants: Iterable[object] = (), names: Iterable[str] = (), entries: Iterable[str] = ()
) -> None:
    """Read the versions of *tenants* and *names*, and the ``stamped_get`` *entries*, in one
    round trip into the block's snapshot (no-op outside ``versions_snapshot``; a cache that
    is down is left to the readers)."""
    snapshot = _snapshot_var.get()
    if snapshot is None:
        return
    versions = [tenant_cache_key(VERSION_KEY, t) for t in tenants]
    versions += [_global_key(name) for name in names]
    versions = [k for k in versions if k not in snapshot.versions]
    entries = list(entries)
    try:
        found = cache.get_many([*versions, *entries])
    except Exception:
        logger.warning("cache unavailable, versions not prefetched", exc_info=True)
        return
    snapshot.versions.update((key, str(found[key])) for key in versions if key in found)
    snapshot.entries.update((key, found.get(key)) for key in entries)


def _version(key: str) -> str:
    snapshot = _snapshot_var.get()
    if snapshot is not None and key in snapshot.versions:
        return snapshot.versions[key]
    version = cache.get(key)
    if version is None:
        cache.add(key, _new_version(), timeout=None)
        version = cache.get(key)
    if snapshot is not None:
        snapshot.versions[key] = str(version)
    return str(version)


def tenant_version(tenant) -> str:
    """The current version of *tenant*'s data (a Tenant or its id), made on first use."""
    return _version(tenant_cache_key(VERSION_KEY, tenant))


def _bump(key: str) -> None:
    snapshot = _snapshot_var.get()
    if snapshot is not None:
        snapshot.versions.pop(key, None)
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


# -- stamped entries: one per key, valid while a cache-wide version stays the same ----------
#
# Where a versioned key would cost a round trip for the version first, the value carries the
# version it was computed under instead, so the entry and the version can be read together
# (``versions_prefetch(entries=...)``). An entry of an earlier version is a miss.


def stamped_get(key: str, name: str) -> tuple[object | None, str | None]:
    """(value, version): the value kept under *key* while *name*'s version is the current one
    (else None), and that version, to store a recomputed value with (None when the cache is
    unreachable: compute without storing). One round trip at most: the entry and the version
    come together unless the block's snapshot already holds them."""
    snapshot = _snapshot_var.get()
    version_key = _global_key(name)
    if snapshot is not None and key in snapshot.entries:
        raw = snapshot.entries.pop(key)
    elif snapshot is not None and version_key in snapshot.versions:
        raw = cache_get(key)
    else:
        try:
            found = cache.get_many([version_key, key])
        except Exception:
            logger.warning("cache unavailable, computing the answer", exc_info=True)
            return None, None
        raw = found.get(key)
        if version_key in found:
            version = str(found[version_key])
            if snapshot is not None:
                snapshot.versions[version_key] = version
            return _unstamped(raw, version), version
    try:
        version = global_version(name)
    except Exception:
        logger.warning("cache unavailable, computing the answer", exc_info=True)
        return None, None
    return _unstamped(raw, version), version


def _unstamped(raw: object, version: str) -> object | None:
    if isinstance(raw, tuple) and len(raw) == 2 and raw[0] == version:
        return raw[1]
    return None


def stamped_set(key: str, version: str | None, value, timeout: int | None) -> None:
    """Keep *value* under *key* for *version* (the one ``stamped_get`` answered before the
    value was computed: a write meanwhile makes it stale at once)."""
    if version is not None:
        cache_set(key, (version, value), timeout)


# -- the Redis backend, one client per connection pool ----------------------------------------


class ReusedRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per pool instead of building one (with its
    hundred-odd response callbacks) for every cache call; the pool and its connections are
    Django's as before."""

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_opsbase_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``ReusedRedisCacheClient``:
    ``CACHES = {"default": {"BACKEND": "opsbase.core.cache.RedisCache", ...}}``."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
