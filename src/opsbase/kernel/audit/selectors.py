"""Reads of the audit log, scoped to the caller's tenant and permission."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from opsbase.core.exceptions import NotFound
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership

from .models import AuditEvent

if TYPE_CHECKING:
    from opsbase.kernel.accounts.models import User

VIEW = "audit.view_auditevent"


def audit_event_list(*, membership: Membership) -> QuerySet[AuditEvent]:
    """Events of *membership*'s tenant it may read (none without the permission), newest first."""
    events = AuditEvent.objects.for_tenant(membership.tenant_id)
    return policy.scope(membership, VIEW, events).order_by("-created_at", "-seq")


def audit_event_get(*, membership: Membership, pk: int | str) -> AuditEvent:
    """One event of *membership*'s tenant: ``NotFound`` for any other, ``PermissionDenied``
    (with the reason) when the role may not read the log."""
    try:
        event = AuditEvent.objects.for_tenant(membership.tenant_id).get(pk=pk)
    except (AuditEvent.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    policy.require(membership, VIEW, event)
    return event


def audit_actor_choices(*, membership: Membership) -> QuerySet[User]:
    """Users who appear as actors in *membership*'s tenant log, or are its members now."""
    members = Membership.objects.for_tenant(membership.tenant_id).values("user_id")
    actors = AuditEvent.objects.for_tenant(membership.tenant_id).values("actor_id")
    return (
        get_user_model()
        ._default_manager.filter(Q(pk__in=members) | Q(pk__in=actors))
        .order_by("email")
    )
