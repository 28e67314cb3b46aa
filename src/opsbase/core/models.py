"""Base models: timestamps, and tenant ownership that fails closed.

A tenant-owned model's default manager refuses to run a query that is not restricted to one
tenant. ``Task.objects.filter(tenant=t)`` (or ``Task.objects.for_tenant(t)``) works;
``Task.objects.all()`` or ``Task.objects.filter(pk=3)`` raises ``TenantScopeRequired`` when
evaluated, so a forgotten filter crashes a test instead of leaking another tenant's data.
Code that must cross tenants (migrations, the superuser admin, the audit verifier) says so
with ``Model.objects.unscoped()``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.lookups import Exact, In
from django.utils.translation import gettext_lazy as _

from .exceptions import TenantScopeRequired


def check_constraint(condition: Any, name: str) -> models.CheckConstraint:
    """A check constraint on Django 4.2 (``check=``) and 5.1+ (``condition=``) alike."""
    import django

    keyword = "condition" if django.VERSION >= (5, 1) else "check"
    return models.CheckConstraint(**{keyword: condition, "name": name})


if TYPE_CHECKING:
    from opsbase.kernel.tenants.models import Tenant


def _rls_guard(queryset: TenantQuerySet) -> contextlib.AbstractContextManager[None]:
    """Deliberate cross-tenant querysets (``unscoped()``) also cross PostgreSQL's row-level
    security; every other query stays under the request's tenant (``opsbase.core.rls``)."""
    if queryset._unscoped:
        from .rls import rls_bypass

        return rls_bypass()
    return contextlib.nullcontext()


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


def _where_has_tenant(where, field) -> bool:
    """True when the WHERE tree ANDs in ``tenant = x`` or ``tenant IN (...)`` at top level."""
    if where.negated or (where.connector != "AND" and len(where.children) > 1):
        return False
    for child in where.children:
        if isinstance(child, Exact | In):
            target = getattr(child.lhs, "target", None)
            if target is not None and target == field and child.rhs is not None:
                return True
        elif hasattr(child, "children") and _where_has_tenant(child, field):
            return True
    return False


def _where_only_tenant(where, field) -> bool:
    """True when the WHERE tree names nothing but ``tenant = x`` / ``tenant IN (...)``."""
    if where.negated or (where.connector != "AND" and len(where.children) > 1):
        return False
    return all(
        isinstance(child, Exact | In) and getattr(child.lhs, "target", None) == field
        for child in where.children
    )


_END = object()


def _frozen(value: Any) -> Any:
    """*value* (nested dicts, sets and lists, as ``Query.select_related``) made hashable."""
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, set | frozenset):
        return frozenset(map(_frozen, value))
    if isinstance(value, list | tuple):
        return tuple(map(_frozen, value))
    return value


class TenantQuerySet(models.QuerySet):
    _unscoped = False
    _keyed = False

    def for_tenant(self, tenant: Tenant | int) -> Self:
        """Rows of *tenant* (a Tenant or its primary key) only."""
        if tenant is None:
            raise TenantScopeRequired(
                f"{self.model.__name__}: for_tenant() needs a tenant, got None."
            )
        return self.filter(tenant=tenant)

    def unscoped(self) -> Self:
        """Rows of every tenant: for migrations, superuser tools and cross-tenant jobs only."""
        clone = self._chain()  # type: ignore[attr-defined]  # private API, not in the stubs
        clone._unscoped = True
        return clone

    def whole_tenant_shape(self) -> tuple[Any, int] | None:
        """For one tenant's whole list (its only condition ``tenant = <id>``): what its SQL
        depends on besides the tenant, and the tenant's id; else None. A caller can then
        compile the query once for every tenant (``opsbase.core.compiled``, with
        ``for_another_tenant``)."""
        query = self.query
        where = query.where
        field = self.model._meta.get_field("tenant")
        conditions = where.children
        on_tenant = [
            condition
            for condition in conditions
            if isinstance(condition, Exact) and getattr(condition.lhs, "target", None) == field
        ]
        tenants = {condition.rhs for condition in on_tenant}
        if (
            where.negated
            or where.connector != "AND"
            or not conditions
            or len(on_tenant) != len(conditions)
            or len(tenants) != 1
            or type(next(iter(tenants))) is not int
            or query.extra
            or query.extra_tables
            or query.distinct
            or query.combinator
            or query.group_by is not None
            or query.select_for_update
        ):
            return None
        shape = (
            self.model,
            self.db,
            self._unscoped,
            self._keyed,
            query.default_ordering,
            query.standard_ordering,
            tuple(query.order_by),
            tuple(query.extra_order_by),
            query.select,
            _frozen(query.deferred_loading),
            _frozen(query.annotation_select_mask),
            tuple(query.annotations.items()),
            tuple(query.values_select),
            _frozen(query.select_related),
            query.low_mark,
            query.high_mark,
        )
        try:
            hash(shape)
        except TypeError:  # an expression without an identity: not comparable, not cached
            return None
        return shape, tenants.pop()

    def for_another_tenant(self, tenant: int) -> Self:
        """This whole-tenant queryset (``whole_tenant_shape``) with *tenant*'s records instead,
        everything else (order, annotations, slice) unchanged."""
        if self.whole_tenant_shape() is None:
            raise ValueError("for_another_tenant(): not the queryset of a tenant's whole list.")
        from django.db.models.sql.where import WhereNode

        clone = self._chain()  # type: ignore[attr-defined]  # private API, not in the stubs
        clone.query.where = WhereNode()
        low, high = clone.query.low_mark, clone.query.high_mark
        clone.query.clear_limits()
        clone = clone.filter(tenant=tenant)
        clone.query.set_limits(low, high)
        return clone

    def by_keys(self, keys: Iterable[Any]) -> Self:
        """The records of this tenant-scoped queryset whose primary keys are *keys*, found by
        key alone: *keys* must have been read from this queryset (a page's second step,
        ``opsbase.kit.rows.PagedRows``), or a ``values("pk")`` queryset of it, sliced, which
        the query then reads as a sub-select.

        The query names no tenant and none of this queryset's filters: PostgreSQL then reads
        the records by primary key whatever it estimates the tenant's size to be. With the
        tenant's condition kept, a tenant grown since the table's statistics were taken made it
        scan all 4,214 of the tenant's tasks for a page of 50 (0.55 against 0.11 ms, measured
        on the benchmark). The records are still the tenant's: their keys are (a primary key
        names one record, whose tenant never changes), and row-level security still applies.
        """
        self._require_scope()
        # Private API, not in the stubs: the queryset's database and routing hints.
        using, hints = self._db, self._hints  # type: ignore[attr-defined]
        clone = type(self)(model=self.model, using=using, hints=hints)
        clone._unscoped = self._unscoped
        clone._keyed = True
        return clone.filter(pk__in=keys if isinstance(keys, models.QuerySet) else list(keys))

    def _clone(self):
        clone = super()._clone()
        clone._unscoped = self._unscoped
        clone._keyed = self._keyed
        return clone

    def is_tenant_scoped(self) -> bool:
        hints = self._hints  # type: ignore[attr-defined]  # private API, not in the stubs
        if self._unscoped or self._keyed or hints.get("instance") is not None:
            # Related managers (``parent.children``) are scoped by their parent row.
            return True
        field = self.model._meta.get_field("tenant")
        return _where_has_tenant(self.query.where, field)

    def is_whole_tenant(self) -> bool:
        """True when the queryset is a tenant's records with no other filter (a whole list)."""
        return _where_only_tenant(self.query.where, self.model._meta.get_field("tenant"))

    def _require_scope(self) -> None:
        if not self.is_tenant_scoped():
            name = self.model.__name__
            raise TenantScopeRequired(
                f"{name} is tenant-owned: filter by tenant ({name}.objects.for_tenant(tenant)) "
                f"or, for deliberate cross-tenant code, use {name}.objects.unscoped()."
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._require_scope()
        with _rls_guard(self):
            super()._fetch_all()

    def count(self) -> int:
        if self._result_cache is None:
            self._require_scope()
        with _rls_guard(self):
            return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._require_scope()
        with _rls_guard(self):
            return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._require_scope()
        with _rls_guard(self):
            return super().aggregate(*args, **kwargs)

    # Rows are model instances, dicts or tuples (after values()/values_list()); the class is
    # not generic in the source, so the row type cannot be named here.
    def iterator(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        self._require_scope()
        rows = super().iterator(*args, **kwargs)
        return rows if not self._unscoped else self._guarded(rows)

    def _guarded(self, rows: Iterator[Any]) -> Iterator[Any]:
        while True:
            # The guard covers each step: rows are fetched lazily, chunk by chunk.
            with _rls_guard(self):
                row = next(rows, _END)
            if row is _END:
                return
            yield row

    def update(self, **kwargs: Any) -> int:
        self._require_scope()
        with _rls_guard(self):
            return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._require_scope()
        with _rls_guard(self):
            return super().delete()


# A module-level name so that django-stubs can type the generated manager class.
_TenantManagerBase = models.Manager.from_queryset(TenantQuerySet)


class TenantManager(_TenantManagerBase):
    """Default manager of tenant-owned models: every query must name its tenant."""

    use_in_migrations = False


class TenantOwnedModel(TimeStampedModel):
    """A row that belongs to exactly one tenant. Subclass this for every tenant's data."""

    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="+", verbose_name=_("tenant")
    )

    objects = TenantManager()

    class Meta:
        # Django's internals (forward relations, cascades, saves) use the plain base
        # manager, which is left as it is.
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A row is written as its own tenant's, whichever tenant the caller acts in (a new
        # organization's first rows, an invitation accepted from another tenant): the
        # row-level security policy checks that the row and the setting agree.
        from .rls import rls_row_scope

        with rls_row_scope(self.tenant_id):
            super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]  # Django's template-safety flag

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        from .rls import rls_row_scope

        with rls_row_scope(self.tenant_id):
            return super().delete(*args, **kwargs)

    delete.alters_data = True  # type: ignore[attr-defined]  # Django's template-safety flag


# -- workflows ------------------------------------------------------------------------------
# The declarations and the one write path live in ``opsbase.kernel.workflows``; these are the
# pieces the database needs.


class WorkflowQuerySet(TenantQuerySet):
    """A tenant queryset whose ``update()`` refuses to change a workflow's state field."""

    def update(self, **kwargs: Any) -> int:
        state_fields = {
            name
            for f in self.model._meta.concrete_fields
            if getattr(f, "workflow", None) is not None
            for name in (f.name, f.attname)
        }
        refused = sorted(state_fields.intersection(kwargs))
        if refused:
            from .exceptions import InvalidTransition

            name = self.model.__name__
            raise InvalidTransition(
                f"{name}.{refused[0]} changes only through its workflow "
                f"(opsbase.kernel.workflows.transition_apply); QuerySet.update() cannot set it.",
                extra={"fields": refused},
            )
        return super().update(**kwargs)


_WorkflowManagerBase = TenantManager.from_queryset(WorkflowQuerySet)


# django-stubs types from_queryset() of Manager only, not of a manager subclass.
class WorkflowManager(_WorkflowManagerBase):  # type: ignore[misc,valid-type]
    """Default manager of a tenant-owned model with a ``StateField``."""

    use_in_migrations = False


class StateChange(TenantOwnedModel):
    """One stay of an object in one state: time in state, and who moved it there."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    # Text, so that objects with integer and UUID keys share the table.
    object_id = models.CharField(_("object"), max_length=64)
    field = models.CharField(_("field"), max_length=64)
    transition = models.CharField(_("transition"), max_length=64, blank=True)
    from_state = models.CharField(_("from"), max_length=64, blank=True)
    to_state = models.CharField(_("state"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    entered_at = models.DateTimeField(_("entered"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    duration_seconds = models.FloatField(_("seconds in state"), null=True, blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["entered_at", "pk"]
        indexes = [
            models.Index(
                fields=["tenant", "content_type", "object_id", "field"],
                name="statechange_tenant_object",
            ),
            models.Index(
                fields=["tenant", "content_type", "to_state", "left_at"],
                name="statechange_tenant_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.from_state} -> {self.to_state}"


class CacheVersion(models.Model):
    """The current version of a cached family of answers (``opsbase.core.cache``), kept here
    when the cache is per process: every process reads the same row, so one process's write
    makes every process's earlier answers unreachable."""

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    version = models.CharField(_("version"), max_length=40)

    class Meta:
        verbose_name = _("cache version")
        verbose_name_plural = _("cache versions")

    def __str__(self) -> str:
        return f"{self.name}={self.version}"


class SharedCacheEntry(models.Model):
    """The table of ``opsbase.core.cache.counting_cache``: Django's database cache, for the
    few counters every process must share (the sign-in throttle) when the cache is per
    process. Its columns are those Django's ``createcachetable`` makes."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "opsbase_shared_cache"
        verbose_name = _("shared cache entry")
        verbose_name_plural = _("shared cache entries")

    def __str__(self) -> str:
        return self.cache_key
