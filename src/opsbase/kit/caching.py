"""Cached lists and counts, and the one place that makes them stale: every tenant write.

A list answer depends on the tenant's records (and the members' names and e-mails it shows),
on which of them the caller may see, and on the query. Its key holds all three: the
tenant's version (``opsbase.core.cache``, replaced by every write, see below), the caller's
visibility scope (the filter the policy applies for the list's codename, so two Admins
share answers and two Users never do) and the query parameters. What else an answer shows
is added by the caller (the API: host and media type; the page: the member, its permissions
and the shell). Today's date and the language are part of every key: "overdue" changes at
midnight, labels with the language.

Invalidation is central: one receiver on every ``TenantOwnedModel`` subclass (saves and
deletes, from the services, the admin, data migrations or factories alike) replaces the
tenant's version, and one on the user model does it for every tenant the user belongs to
(lists show people). No module writes its own signals for this.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.http import QueryDict
from django.utils import timezone, translation

from opsbase.conf import setting
from opsbase.core.cache import cache_get, cache_set, tenant_version_bump, versioned_key
from opsbase.core.models import TenantOwnedModel
from opsbase.kernel.policy import policy

T = TypeVar("T")


# Tenant-owned rows that no list shows as data, written often for other reasons: a token's
# "last used" (every minute it is used), an audit event (appended with the write it records,
# which bumps already), a time-in-state row (likewise). Bumping on them would only empty the
# caches for nothing. An analytics event likewise comes with the write it records.
def _not_shown() -> frozenset[type]:
    from opsbase.api.models import ApiToken
    from opsbase.core.models import StateChange
    from opsbase.kernel.audit.models import AuditEvent
    from opsbase.services.analytics.models import Event

    return frozenset({ApiToken, AuditEvent, StateChange, Event})


def list_cache_enabled() -> bool:
    return bool(setting("LIST_CACHE"))


def visibility_scope(membership: Any, codename: str) -> str:
    """What decides which records *membership* sees under *codename*, as text: its tenant
    and the policy's filter for it."""
    return f"{membership.tenant_id}:{policy.rule(codename).scope.q(membership)!r}"


def list_cache_key(
    kind: str, membership: Any, query: QueryDict, *parts: object, codename: str
) -> str | None:
    """The cache key of a list answer of *kind* (``"tasks.task:api"``) for *membership*, the
    list's *codename* and *query*; None when caching is off or the cache is unreachable."""
    if not list_cache_enabled():
        return None
    params = sorted((name, tuple(values)) for name, values in query.lists())
    return versioned_key(
        kind,
        membership.tenant_id,
        visibility_scope(membership, codename),
        params,
        translation.get_language(),
        timezone.localdate().isoformat(),
        *parts,
    )


def cache_read(key: str | None) -> Any:
    """What is kept under *key* (None: a miss, no key, or the cache unreachable)."""
    return None if key is None else cache_get(key)


def cache_store(key: str | None, value: object) -> None:
    if key is not None:
        cache_set(key, value, setting("LIST_CACHE_TIMEOUT"))


def counts_cached(kind: str, membership: Any, codename: str, compute: Callable[[], T]) -> T:
    """*compute()* (small: a dashboard's counts) kept per tenant version, visibility scope and
    date, whatever ``OPSBASE_LIST_CACHE`` says: every write renews it anyway."""
    key = versioned_key(
        kind,
        membership.tenant_id,
        visibility_scope(membership, codename),
        translation.get_language(),
        timezone.localdate().isoformat(),
    )
    found = cache_get(key) if key is not None else None
    if found is None:
        found = compute()
        if key is not None:
            cache_set(key, found, setting("LIST_CACHE_TIMEOUT"))
    return found


class CachedListMixin:
    """For a list of an entity's records (the kit's list page and API viewset): its answers
    kept per tenant version, the visibility scope of the entity's view codename, the query,
    and what the view adds (``*parts``). ``self.entity`` is the view's entity."""

    entity: ClassVar[Any]

    def list_cache_key(
        self, request: Any, kind: str, query: QueryDict, *parts: object
    ) -> str | None:
        return list_cache_key(
            f"{self.entity.model._meta.label_lower}:{kind}",
            request.membership,
            query,
            *parts,
            codename=self.entity.codenames.view,
        )

    def list_cached(self, key: str | None) -> Any:
        return cache_read(key)

    def list_store(self, key: str | None, value: object) -> None:
        cache_store(key, value)


# -- invalidation ---------------------------------------------------------------------------


def _tenant_row_changed(sender: type, instance: TenantOwnedModel, **kwargs: Any) -> None:
    if instance.tenant_id is not None:
        tenant_version_bump(instance.tenant_id)


def _user_changed(sender: type, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nothing a list shows
    if not list_cache_enabled():
        return  # nothing cached that shows people: spare the query
    from opsbase.kernel.tenants.models import Membership

    tenant_ids = (
        Membership.objects.unscoped()
        .filter(user_id=instance.pk)
        .values_list("tenant_id", flat=True)
        .distinct()
    )
    for tenant_id in tenant_ids:
        tenant_version_bump(tenant_id)


def tenant_models() -> list[type[TenantOwnedModel]]:
    """The installed concrete tenant-owned models whose writes make cached answers stale."""
    not_shown = _not_shown()
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantOwnedModel) and model not in not_shown
    ]


def invalidation_connect() -> None:
    """Connect the receivers (once per model: ``dispatch_uid``); run by the kit's app."""
    for model in tenant_models():
        uid = f"opsbase.kit.cache.{model._meta.label_lower}"
        post_save.connect(_tenant_row_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_tenant_row_changed, sender=model, dispatch_uid=f"{uid}.delete")
    post_save.connect(
        _user_changed, sender=get_user_model(), dispatch_uid="opsbase.kit.cache.user.save"
    )
