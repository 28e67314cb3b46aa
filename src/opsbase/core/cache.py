"""Tenant-scoped cache keys: one tenant's cached data can never answer another's request."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from contextvars import ContextVar

from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.core.signals import setting_changed
from django.db import DatabaseError, transaction

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
# Every write to a tenant's data calls ``tenant_version_bump`` (the module kit does it from the
# signals of every tenant-owned model, so services, the admin and factories are all covered).
# Cached answers are keyed by the tenant's current version, so a write makes every earlier
# answer unreachable at once, on every process, without listing or deleting keys. A version
# is a random token, not a counter: a version evicted from the cache and made again can never
# equal an old one.
#
# Where the versions live depends on the cache. A shared cache (Redis, Memcached, the
# database cache: ``cache_shared``) keeps them itself: one round trip reads a version with
# the entries it stamps. A per-process cache (local memory, the default of a new project)
# cannot: another process would never see a bump. Its versions are rows of the database
# (``CacheVersion``), read in one query per request and bumped when the write commits, so
# every process's next request sees the write.

VERSION_KEY = "version"
logger = logging.getLogger(__name__)

# Backends every process of a deployment reads alike (by class name; django-redis too).
_SHARED_BACKENDS = frozenset({"RedisCache", "PyMemcacheCache", "PyLibMCCache", "DatabaseCache"})
_shared: bool | None = None


def cache_shared() -> bool:
    """True when every process reads the same default cache, so versions can live in it;
    ``OPSBASE_CACHE_SHARED`` says so explicitly (None: judged from the backend, and only
    Redis, Memcached and the database cache count)."""
    global _shared
    if _shared is None:
        from django.conf import settings

        from opsbase.conf import setting

        configured = setting("CACHE_SHARED")
        if configured is not None:
            _shared = bool(configured)
        else:
            backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
            _shared = backend.rsplit(".", 1)[-1] in _SHARED_BACKENDS or backend.startswith(
                "django_redis."
            )
    return _shared


def _forget_shared(setting: str, **kwargs) -> None:
    global _shared
    if setting in ("CACHES", "OPSBASE_CACHE_SHARED"):
        _shared = None


setting_changed.connect(_forget_shared, dispatch_uid="opsbase_cache_shared")


def _new_version() -> str:
    return secrets.token_hex(8)


# Versions read during one request: each once (those the request will need, named up front,
# in one round trip or one query). A write in the request replaces what it bumps, so the
# writer's own later reads are fresh; another process's write during the request is seen by
# the next one, as if it had come just after.


class _Snapshot:
    def __init__(self) -> None:
        self.versions: dict[str, str] = {}
        self.entries: dict[str, object] = {}  # prefetched values, each read once
        # Named up front, read together at the first read of any (``versions_prefetch``).
        self.wanted_versions: list[str] = []
        self.wanted_entries: list[str] = []


_snapshot_var: ContextVar[_Snapshot | None] = ContextVar("opsbase_versions", default=None)


def versions_snapshot() -> contextlib.AbstractContextManager[None]:
    """Within the block, every version is read at most once."""
    return bind(_snapshot_var, _Snapshot())


def versions_prefetch(
    *, tenants: Iterable[object] = (), names: Iterable[str] = (), entries: Iterable[str] = ()
) -> None:
    """Name the versions of *tenants* and *names*, and the ``stamped_get`` *entries*, that the
    block will read: the first read of any of them (or of another version) reads them all
    into the block's snapshot, in one round trip to a shared cache, else one query (and local
    reads of the entries). A request that reads none (every cache off) pays nothing. No-op
    outside ``versions_snapshot``; a cache that is down is left to the readers."""
    snapshot = _snapshot_var.get()
    if snapshot is None:
        return
    versions = [tenant_cache_key(VERSION_KEY, t) for t in tenants]
    versions += [_global_key(name) for name in names]
    snapshot.wanted_versions += [k for k in versions if k not in snapshot.versions]
    snapshot.wanted_entries += entries


def _settle(snapshot: _Snapshot | None) -> None:
    """Read what ``versions_prefetch`` named and the snapshot does not hold yet."""
    if snapshot is None or not (snapshot.wanted_versions or snapshot.wanted_entries):
        return
    versions = [k for k in dict.fromkeys(snapshot.wanted_versions) if k not in snapshot.versions]
    entries = [k for k in dict.fromkeys(snapshot.wanted_entries) if k not in snapshot.entries]
    snapshot.wanted_versions, snapshot.wanted_entries = [], []
    if not cache_shared():
        if versions:
            snapshot.versions.update(_db_versions(versions))
        if entries:
            local = _get_many(entries)
            if local is not None:
                snapshot.entries.update((key, local.get(key)) for key in entries)
        return
    found = _get_many([*versions, *entries])
    if found is None:
        return
    snapshot.versions.update((key, str(found[key])) for key in versions if key in found)
    snapshot.entries.update((key, found.get(key)) for key in entries)


def _get_many(keys: list[str]) -> dict | None:
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("cache unavailable, versions not prefetched", exc_info=True)
        return None


def _version(key: str) -> str:
    snapshot = _snapshot_var.get()
    _settle(snapshot)
    if snapshot is not None and key in snapshot.versions:
        return snapshot.versions[key]
    if not cache_shared():
        version = _db_versions([key])[key]
    else:
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


def _version_bump(key: str) -> None:
    if cache_shared():
        # Now, so that the writer's own next read (even inside its transaction) is fresh;
        # after the commit, so that a reader that cached the pre-commit rows meanwhile is
        # also superseded.
        _bump(key)
        transaction.on_commit(lambda: _bump(key))
        return
    snapshot = _snapshot_var.get()
    if snapshot is not None:
        # The rest of this request reads with a version of its own (nothing cached under
        # it), the commit included: its later answers are computed afresh.
        snapshot.versions[key] = "w" + _new_version()
    _on_commit_once(key, lambda: _db_version_store(key))


def tenant_version_bump(tenant, *, spare: str | None = None, members: Iterable[str] = ()) -> None:
    """Make every answer cached for *tenant* unreachable, for every process from the commit of
    the write on, and for the writer's own reads at once. *spare* (a model's label): the
    write is of that model's rows, and renews its member-scoped lists by the *members*
    versions it names (``member_version_key``) instead of their "rest" version."""
    key = tenant_cache_key(VERSION_KEY, tenant)
    if not cache_shared():
        _version_bump(key)  # no member-scoped lists without a shared cache
        return
    rest = [rest_version_key(tenant, label) for label in _member_scoped() if label != spare]
    versions_bump([key, *rest, *members])


# -- member-scoped versions: a member's own list, renewed by the writes that concern it ------
#
# A list restricted to the rows that name the member (a User's own tasks: owner or assignee)
# shows nothing of the tenant's other rows of that model. With a shared cache its key holds,
# instead of the tenant's version:
#
# * the model's "rest" version, replaced by every write of the tenant except a write of the
#   model's own rows (``tenant_version_bump(spare=label)``): what else the rows show, people's
#   names and related records, stays fresh as before;
# * one version per field and value that names the member (``owner`` = its user), replaced by
#   every write of a row of the model that names that value in that field before or after.
#
# So a member's list survives the writes of rows it never showed and never will, and no
# other. Which models are kept so is the module kit's to say (``member_scoped_models``).

_member_scoped: Callable[[], Iterable[str]] = tuple


def member_scoped_models(labels: Callable[[], Iterable[str]]) -> None:
    """Name (by a function, read at each tenant write) the labels of the models whose rows'
    writes renew member-scoped versions instead of their "rest" version."""
    global _member_scoped
    _member_scoped = labels


def rest_version_key(tenant, label: str) -> str:
    return tenant_cache_key(f"rest:{label}", tenant)


def member_version_key(tenant, label: str, field: str, value: object) -> str:
    return tenant_cache_key(f"member:{label}:{field}:{value}", tenant)


def versions_read(keys: list[str]) -> list[str] | None:
    """The current versions of *keys* (shared cache; each made on first use), from the
    block's snapshot or in one round trip; None when the cache is unreachable."""
    snapshot = _snapshot_var.get()
    _settle(snapshot)
    known = snapshot.versions if snapshot is not None else {}
    missing = [key for key in keys if key not in known]
    found: dict[str, str] = {}
    if missing:
        try:
            found = {k: str(v) for k, v in cache.get_many(missing).items()}
            absent = [key for key in missing if key not in found]
            for key in absent:
                cache.add(key, _new_version(), timeout=None)
            if absent:
                found.update((k, str(v)) for k, v in cache.get_many(absent).items())
        except Exception:
            logger.warning("cache unavailable, computing the answer", exc_info=True)
            return None
        if snapshot is not None:
            snapshot.versions.update(found)
    versions = [known.get(key) or found.get(key) for key in keys]
    if any(v is None for v in versions):
        return None  # evicted as soon as made: compute, keep nothing
    return versions  # type: ignore[return-value]


def versions_bump(keys: list[str]) -> None:
    """Replace several versions of a shared cache at once, as ``_version_bump`` does one: one
    round trip now and one after the commit."""
    snapshot = _snapshot_var.get()
    if snapshot is not None:
        for key in keys:
            snapshot.versions.pop(key, None)

    def bump() -> None:
        try:
            cache.set_many({key: _new_version() for key in keys}, timeout=None)
        except Exception:
            logger.exception("Could not invalidate the cache keys %s", keys)

    bump()
    transaction.on_commit(bump)


def member_versioned_key(kind: str, tenant, keys: list[str], *parts: object) -> str | None:
    """``versioned_key`` under the versions of *keys* (``rest_version_key`` and
    ``member_version_key``) instead of the tenant's; None when the cache is unreachable."""
    versions = versions_read(keys)
    if versions is None:
        return None
    digest = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]
    stamp = hashlib.sha256(".".join(versions).encode()).hexdigest()[:16]
    return tenant_cache_key(f"{kind}:m{stamp}:{digest}", tenant)


# -- versions kept in the database (a per-process cache) --------------------------------------


def _db_versions(keys: list[str]) -> dict[str, str]:
    """The stored versions of *keys* in one query; those never made are made (first use).

    A key written in the current transaction and not yet committed gets a version of its
    own instead: the writer's answers must neither come from before its write nor be kept
    for anyone else."""
    from .models import CacheVersion

    pending = set(_pending_bumps())
    own = {key: "w" + _new_version() for key in keys if key in pending}
    keys = [key for key in keys if key not in own]
    if not keys:
        return own
    found = own | dict(CacheVersion.objects.filter(name__in=keys).values_list("name", "version"))
    missing = [key for key in keys if key not in found]
    if missing:
        CacheVersion.objects.bulk_create(
            [CacheVersion(name=key, version=_new_version()) for key in missing],
            ignore_conflicts=True,  # another process made it meanwhile: theirs is read back
        )
        found.update(CacheVersion.objects.filter(name__in=missing).values_list("name", "version"))
    return found


def _db_version_store(key: str) -> None:
    from .models import CacheVersion

    version = _new_version()
    if not CacheVersion.objects.filter(name=key).update(version=version):
        CacheVersion.objects.bulk_create(
            [CacheVersion(name=key, version=version)], ignore_conflicts=True
        )


_PENDING_MARK = "opsbase_version_key"


def _pending_bumps():
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return ()
    return (getattr(entry[1], _PENDING_MARK, None) for entry in connection.run_on_commit)


def _bump_pending(key: str) -> bool:
    return key in _pending_bumps()


def _on_commit_once(key: str, callback) -> None:
    """``on_commit(callback)``, once per transaction for *key* (a thousand saves of one
    tenant's rows bump its version once). A callback that a rolled-back savepoint dropped is
    no longer found, so a later write registers its own."""
    if _bump_pending(key):
        return
    setattr(callback, _PENDING_MARK, key)
    transaction.on_commit(callback)


def versioned_key(kind: str, tenant, *parts: object) -> str | None:
    """A cache key for *kind* under *tenant*'s current version; *parts* say what it answers
    (who asks, with which query), hashed so any text is a safe key. None when the cache is
    unreachable: the caller then computes the answer without caching it."""
    try:
        version = tenant_version(tenant)
    except (TenantScopeRequired, DatabaseError):
        raise
    except Exception:
        logger.warning("cache unavailable, computing the answer", exc_info=True)
        return None
    if version.startswith("w"):
        return None  # the writer's own version (``_version_bump``): nothing to share
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
    """Make everything cached under *name*'s version unreachable (as ``tenant_version_bump``)."""
    _version_bump(_global_key(name))


# -- stamped entries: one per key, valid while a cache-wide version stays the same ----------
#
# Where a versioned key would cost a round trip for the version first, the value carries the
# version it was computed under instead, so the entry and the version can be read together
# (``versions_prefetch(entries=...)``). An entry of an earlier version is a miss.


def stamped_get(
    key: str, name: str, *, tenant_of: Callable[[object], object] | None = None
) -> tuple[object | None, str | None]:
    """(value, version): the value kept under *key* while *name*'s version is the current one
    (else None), and that version, to store a recomputed value with (None when the cache is
    unreachable: compute without storing). One round trip at most: the entry and the version
    come together unless the block's snapshot already holds them. With versions in the
    database, *tenant_of* (the value's tenant, e.g. a token's) has that tenant's version read
    in the same query, for the request's later versioned reads."""
    snapshot = _snapshot_var.get()
    _settle(snapshot)
    version_key = _global_key(name)
    if not cache_shared():
        raw = snapshot.entries.pop(key) if snapshot and key in snapshot.entries else cache_get(key)
        if snapshot is not None and version_key not in snapshot.versions:
            tenant = tenant_of(raw[1]) if tenant_of and _is_stamped(raw) else None  # type: ignore[index]
            versions_prefetch(names=[name], tenants=[tenant] if tenant is not None else [])
        version = global_version(name)
        return _unstamped(raw, version), version
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


def _is_stamped(raw: object) -> bool:
    return isinstance(raw, tuple) and len(raw) == 2


def _unstamped(raw: object, version: str) -> object | None:
    if _is_stamped(raw) and raw[0] == version:  # type: ignore[index]
        return raw[1]  # type: ignore[index]
    return None


def stamped_set(key: str, version: str | None, value, timeout: int | None) -> None:
    """Keep *value* under *key* for *version* (the one ``stamped_get`` answered before the
    value was computed: a write meanwhile makes it stale at once)."""
    if version is not None and not version.startswith("w"):
        cache_set(key, (version, value), timeout)


# -- counters every process shares ---------------------------------------------------------


_database_cache: BaseCache | None = None


def counting_cache() -> BaseCache:
    """Where counters that every process must share are kept (the sign-in throttle): the
    default cache when it is shared, else Django's database cache on ``SharedCacheEntry``'s
    table (a few queries per use: for rare requests only, never for every one)."""
    global _database_cache
    if cache_shared():
        return cache
    if _database_cache is None:
        from django.core.cache.backends.db import DatabaseCache

        from .models import SharedCacheEntry

        _database_cache = DatabaseCache(
            SharedCacheEntry._meta.db_table, {"OPTIONS": {"MAX_ENTRIES": 10_000}}
        )
    return _database_cache


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
