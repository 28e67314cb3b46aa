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

A member-restricted list (a User sees the tasks it owns or is assigned) of an entity that
says so (``Entity(per_member_cache=True)``) is kept apart from the rest, with a shared cache:
a write of one of the model's rows renews the lists of the members it names, before and
after (the row's fields the policy's scopes read: ``Predicate.row_fields``), and every
member-wide list; any other write renews them all, as before (``opsbase.core.cache``'s
member-scoped versions). The row's "before" comes from ``row_lock`` (the kit's services
lock the row first) or is read, locked, just before the save inside a transaction (the
admin's, any ``atomic`` block); a save outside any transaction, and a delete, renew them all.

A row shown in those lists only through another row (a work order's operations: the order
shows their progress) says so on its model, ``list_parent = "work_order"``. Its save renews
the lists its parent's members see, as a write of the parent would, when the parent is locked
in the same transaction (``row_lock``: the kit's services lock the parent first) and the row
stays with that parent; otherwise, and on a delete, every list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import transaction
from django.db.models import ForeignKey, Model
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import QueryDict
from django.utils import timezone, translation

from opsbase.conf import setting
from opsbase.core.cache import (
    cache_get,
    cache_set,
    cache_shared,
    member_scoped_models,
    member_version_key,
    member_versioned_key,
    rest_version_key,
    tenant_version_bump,
    versioned_key,
)
from opsbase.core.models import TenantOwnedModel
from opsbase.core.writes import LOCKED_VALUES
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
    kind: str,
    membership: Any,
    query: QueryDict,
    *parts: object,
    codename: str,
    model: type[Model] | None = None,
) -> str | None:
    """The cache key of a list answer of *kind* (``"tasks.task:api"``) for *membership*, the
    list's *codename* and *query*; None when caching is off or the cache is unreachable.
    With *model* (the list's rows, which show nothing of the model's other rows), a
    member-restricted list is keyed by the member-scoped versions (see the module)."""
    if not list_cache_enabled():
        return None
    params = sorted((name, tuple(values)) for name, values in query.lists())
    what = (
        visibility_scope(membership, codename),
        params,
        translation.get_language(),
        timezone.localdate().isoformat(),
        *parts,
    )
    keys = member_version_keys(model, membership, codename) if model is not None else None
    if keys is not None:
        return member_versioned_key(kind, membership.tenant_id, keys, *what)
    return versioned_key(kind, membership.tenant_id, *what)


def member_version_keys(model: type[Model], membership: Any, codename: str) -> list[str] | None:
    """The versions a list of *model* restricted to *membership*'s rows is kept under: the
    model's "rest" version and one per field naming the member; None when the list is not
    restricted (the tenant's version then), its rule's scope reads other fields of the row,
    or the cache is per process."""
    if not cache_shared():
        return None
    scope = policy.rule(codename).scope
    if scope.keeps_all(membership):
        return None
    values = scope.member_values(membership)
    if not values or not set(values) <= set(member_fields(model)):
        return None
    label = model._meta.label_lower
    tenant = membership.tenant_id
    return [rest_version_key(tenant, label)] + [
        member_version_key(tenant, label, field, value) for field, value in sorted(values.items())
    ]


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
        entity = self.entity
        return list_cache_key(
            f"{entity.model._meta.label_lower}:{kind}",
            request.membership,
            query,
            *parts,
            codename=entity.codenames.view,
            model=entity.model if entity.per_member_cache else None,
        )

    def list_cached(self, key: str | None) -> Any:
        return cache_read(key)

    def list_store(self, key: str | None, value: object) -> None:
        cache_store(key, value)


# -- invalidation ---------------------------------------------------------------------------


def _tenant_row_changed(sender: type, instance: TenantOwnedModel, **kwargs: Any) -> None:
    if instance.tenant_id is not None:
        tenant_version_bump(instance.tenant_id)


# The fields naming members that some rule's scope reads, per model (and number of rules:
# a rule registered later is seen), with their columns' attribute names.
_member_fields: dict[tuple[type[Model], int], tuple[tuple[str, ...], tuple[str, ...]]] = {}
_BEFORE = "_opsbase_members_before"


def _fields_and_attnames(model: type[Model]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    rules = policy.rules()
    memo = (model, len(rules))
    found = _member_fields.get(memo)
    if found is None:
        names: set[str] = set()
        for rule in rules:
            names |= rule.scope.row_fields() or set()
        fields = []
        for name in sorted(names):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.concrete and field.many_to_one:
                fields.append(field)
        found = (tuple(f.name for f in fields), tuple(f.attname for f in fields))
        _member_fields[memo] = found
    return found


def member_fields(model: type[Model]) -> tuple[str, ...]:
    """The foreign keys of *model* that any registered rule's scope reads to decide whether a
    row is a member's (``owner``, ``assignee``): more than one entity's rule may need, never
    fewer."""
    return _fields_and_attnames(model)[0]


def _members_named(model: type[Model], values: Any) -> set[tuple[str, Any]]:
    """(field, value) of the members a row names, from its values by attribute name (a dict)
    or in ``member_fields`` order (a tuple)."""
    names, attnames = _fields_and_attnames(model)
    if isinstance(values, dict):
        values = tuple(values.get(attname) for attname in attnames)
    return {(name, value) for name, value in zip(names, values, strict=True) if value is not None}


_labels: dict[int, tuple[str, ...]] = {}


def _member_scoped_labels() -> tuple[str, ...]:
    """The labels of the tenant models whose rows name members (see ``member_fields``)."""
    rules = len(policy.rules())
    found = _labels.get(rules)
    if found is None:
        found = _labels[rules] = tuple(
            model._meta.label_lower for model in tenant_models() if member_fields(model)
        )
    return found


def _member_lists(names: tuple[str, ...]) -> bool:
    """True when rows naming members (*names*) may be kept in member-scoped lists."""
    return bool(names) and list_cache_enabled() and cache_shared()


def _row_before_save(sender: type[Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Note which members the row named before this save, or, for a row shown through its
    parent, which parent it had (see the module)."""
    instance.__dict__.pop(_BEFORE, None)
    names, attnames = _fields_and_attnames(sender)
    parent = list_parent(sender)
    if (
        parent is not None
        and not names
        and _member_lists(_fields_and_attnames(parent.related_model)[0])
    ):
        names, attnames = (parent.name,), (parent.attname,)
    if instance._state.adding or instance.pk is None or not _member_lists(names):
        return
    locked = instance.__dict__.get(LOCKED_VALUES)
    if locked is not None and locked.get(sender._meta.pk.attname) == instance.pk:
        instance.__dict__[_BEFORE] = tuple(locked.get(attname) for attname in attnames)
        return
    using = kwargs.get("using") or "default"
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        # Read and write would be two statements with nothing holding the row between them:
        # another reassignment in that gap would go unseen. No "before": every list renews.
        return
    rows = sender._base_manager.db_manager(using).filter(pk=instance.pk).order_by()
    if connection.features.has_select_for_update:
        rows = rows.select_for_update()  # held to the commit: nobody renames it meanwhile
    before = rows.values_list(*attnames).first()
    if before is not None:
        instance.__dict__[_BEFORE] = before


def _row_saved(sender: type[Model], instance: Any, created: bool = False, **kwargs: Any) -> None:
    if instance.tenant_id is None:
        return
    before = instance.__dict__.pop(_BEFORE, None)
    if not member_fields(sender) and list_parent(sender) is not None:
        _child_saved(sender, instance, created, before)
        return
    if not _member_lists(member_fields(sender)) or (before is None and not created):
        tenant_version_bump(instance.tenant_id)  # the row's "before" is not known: all
        return
    attnames = _fields_and_attnames(sender)[1]
    after = tuple(getattr(instance, attname) for attname in attnames)
    named = _members_named(sender, before) if before else set()
    _members_renew(instance.tenant_id, sender, named | _members_named(sender, after))
    locked = instance.__dict__.get(LOCKED_VALUES)
    if locked is not None:
        # Still locked (the same transaction): the next save replaces what this one wrote.
        locked.update(zip(attnames, after, strict=True))


def _child_saved(sender: type[Model], instance: Any, created: bool, before: Any) -> None:
    """A save of a row shown through its parent: the lists of the parent's members (known
    from the parent's lock in this transaction) when it stays with that parent, else all."""
    field = list_parent(sender)
    assert field is not None  # noqa: S101 - the caller checked
    parent_model = field.related_model
    parent_id = getattr(instance, field.attname)
    parent = field.get_cached_value(instance, default=None)
    locked = parent.__dict__.get(LOCKED_VALUES) if parent is not None else None
    known = (
        locked is not None
        and parent_id is not None
        and locked.get(parent_model._meta.pk.attname) == parent_id
        and (created or before == (parent_id,))
        and _member_lists(member_fields(parent_model))
    )
    if not known:
        tenant_version_bump(instance.tenant_id)
        return
    _members_renew(instance.tenant_id, parent_model, _members_named(parent_model, locked))


def _members_renew(tenant_id: int, model: type[Model], named: set[tuple[str, Any]]) -> None:
    """After a write of *model*'s rows naming the members *named*: every list of the tenant
    but *model*'s member-scoped ones, and those of these members."""
    label = model._meta.label_lower
    tenant_version_bump(
        tenant_id,
        spare=label,
        members=[member_version_key(tenant_id, label, f, v) for f, v in sorted(named)],
    )


_parents: dict[type[Model], ForeignKey | None] = {}


def list_parent(model: type[Model]) -> ForeignKey | None:
    """The foreign key that *model*'s ``list_parent`` names (the row its rows are shown
    through in lists), None when it names none; ``ImproperlyConfigured`` when it names
    something else than a foreign key to a tenant-owned model."""
    if model in _parents:
        return _parents[model]
    name = getattr(model, "list_parent", None)
    found: ForeignKey | None = None
    if name is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        related = getattr(field, "related_model", None)
        if not (
            isinstance(field, ForeignKey)
            and isinstance(related, type)
            and issubclass(related, TenantOwnedModel)
        ):
            raise ImproperlyConfigured(
                f"{model._meta.label}.list_parent = {name!r}: name a foreign key of the model "
                "to the tenant-owned row its rows are shown through"
            )
        found = field
    _parents[model] = found
    return found


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
        list_parent(model)  # a wrong declaration stops start-up, naming it
        uid = f"opsbase.kit.cache.{model._meta.label_lower}"
        # Whether a model's rows name members is known once every rule is registered: both
        # receivers are connected, and the member-aware ones pass on when it names none.
        pre_save.connect(_row_before_save, sender=model, dispatch_uid=f"{uid}.before")
        post_save.connect(_row_saved, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_tenant_row_changed, sender=model, dispatch_uid=f"{uid}.delete")
    member_scoped_models(_member_scoped_labels)
    post_save.connect(
        _user_changed, sender=get_user_model(), dispatch_uid="opsbase.kit.cache.user.save"
    )
