"""Reads of a module's records: tenant-scoped, filtered by the policy, found or 404."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet

from opsbase.core.exceptions import NotFound
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership

M = TypeVar("M", bound=models.Model)

__all__ = ["member_choices", "record_get_for", "record_list"]

# The largest primary key any engine stores (a signed 64-bit integer): beyond it, no record.
_MAX_PK_DIGITS = 18


def record_list(
    model: type[M], *, membership: Membership, codename: str, related: Sequence[str] = ()
) -> QuerySet[M]:
    """The records of *model* in *membership*'s tenant that it may see (*codename*'s scope),
    with *related* joined (what its pages show of them)."""
    records = model._default_manager.for_tenant(membership.tenant_id)  # type: ignore[attr-defined]
    scoped: QuerySet[M] = policy.scope(membership, codename, records)
    return scoped.select_related(*related) if related else scoped


def record_get_for(
    model: type[M],
    *,
    membership: Membership,
    pk: Any,
    codename: str,
    related: Sequence[str] = (),
) -> M:
    """Record *pk* of *membership*'s tenant: ``NotFound`` for any other tenant's (or none, or
    an id that is not one), ``PermissionDenied`` with the rule's reason when it may not see
    it."""
    text = str(pk)
    if not text.isdigit() or len(text) > _MAX_PK_DIGITS:
        raise NotFound()
    records = model._default_manager.for_tenant(membership.tenant_id)  # type: ignore[attr-defined]
    if related:
        records = records.select_related(*related)
    # One row by its key: no ordering to build into the query (``first()`` would add one).
    found: list[M] = list(records.filter(pk=int(text)).order_by()[:1])
    if not found:
        raise NotFound()
    policy.require(membership, codename, found[0])
    return found[0]


def member_choices(*, membership: Membership) -> QuerySet[Membership]:
    """The active members of *membership*'s tenant, by e-mail: whom a record can name (an
    assignee, an owner)."""
    return (
        Membership.objects.for_tenant(membership.tenant_id)
        .filter(is_active=True)
        .select_related("user")
        .order_by("user__email")
    )


def member_names(*, tenant_id: int) -> list[dict[str, Any]]:
    """``pk`` and the user's names and e-mail of each active member of the tenant, in
    ``member_choices``' order: one query compiled once for every tenant
    (``opsbase.core.compiled``), as a list page reads them on every request the cache does
    not answer."""
    from opsbase.core.compiled import compiled

    return compiled(Membership, "kit.member_names", _member_names_of, [-1]).values([tenant_id])


def _member_names_of(tenant_id: int) -> QuerySet[Membership, Any]:
    members = member_choices(membership=Membership(tenant_id=tenant_id))
    return members.values("pk", "user__first_name", "user__last_name", "user__email")
