"""Writes of API tokens: create (the raw token is returned once), revoke, mark as used."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.audit.services import audit_event, audit_update, snapshot
from opsbase.kernel.policy import policy

from .keys import key_generate, key_hash, key_prefix
from .models import ApiToken
from .rules import MANAGE_TOKENS

if TYPE_CHECKING:
    from opsbase.kernel.tenants.models import Membership

# last_used_at is refreshed at most this often, so a busy client does not cost a write
# per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def expiry_after_days(days: int | None) -> dt.datetime | None:
    """The moment *days* days from now, or None (never expires) for no days."""
    return timezone.now() + dt.timedelta(days=days) if days else None


def _validated(token: ApiToken) -> None:
    try:
        # key_hash: 256 random bits never collide, and its unique check would be a query
        # across tenants; the database's unique index still guards it.
        token.full_clean(exclude=["tenant", "membership", "key_hash"])
    except DjangoValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        messages = [m for ms in fields.values() for m in ms]
        raise ValidationError(" ".join(messages), extra={"fields": fields}) from None


@transaction.atomic
def api_token_create(
    *, membership: Membership, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token acting as *membership*, and its raw form (shown once, never stored)."""
    policy.require(membership, MANAGE_TOKENS)
    name = (name or "").strip()
    if expires_at is not None and expires_at <= timezone.now():
        message = _("The expiry date must be in the future.")
        raise ValidationError(message, extra={"fields": {"expires_at": [str(message)]}})
    raw = key_generate()
    token = ApiToken(
        tenant_id=membership.tenant_id,
        membership=membership,
        name=name,
        prefix=key_prefix(raw),
        key_hash=key_hash(raw),
        expires_at=expires_at,
    )
    _validated(token)
    token.save()
    audit_event(
        tenant=membership.tenant_id,
        actor=membership.user,
        action="api_token.create",
        target=token,
        changes={
            "name": (None, token.name),
            "prefix": (None, token.prefix),
            "membership": (None, membership.pk),
            "expires_at": (None, token.expires_at),
        },
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, membership: Membership, token: ApiToken) -> ApiToken:
    """*token* stops authenticating at once (its owner's, or any of the tenant's for an Admin)."""
    policy.require(membership, MANAGE_TOKENS, token)
    if token.revoked_at is not None:
        message = _("This token is already revoked.")
        raise ValidationError(message, extra={"fields": {"__all__": [str(message)]}})
    before = snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit_update(membership=membership, obj=token, before=before, action="api_token.revoke")
    return token


def api_token_mark_used(*, token: ApiToken, now: dt.datetime | None = None) -> bool:
    """Record that *token* was just used, unless that was recorded less than a minute ago.

    One conditional UPDATE, so concurrent requests write at most once per minute between
    them; not audited (it is usage, not a change). Returns whether a row was written.
    """
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return False
    written = (
        ApiToken.objects.for_tenant(token.tenant_id)
        .filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION))
        .update(last_used_at=now)
    )
    # Not written: another request recorded a use within the minute; either way the token was
    # used recently, which is what the next check (possibly on a cached copy) must know.
    token.last_used_at = now
    return bool(written)
