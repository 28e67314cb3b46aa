"""Reads of API tokens, and of the membership a token request asks for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from opsbase.core.compiled import compiled
from opsbase.core.exceptions import NotFound
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.selectors import membership_list_for_user

from .auth_cache import token_cached, token_store
from .keys import key_hash
from .models import ApiToken, ApiTokenStatus
from .rules import MANAGE_TOKENS

if TYPE_CHECKING:
    from opsbase.kernel.accounts.models import User
    from opsbase.kernel.tenants.models import Membership


def api_token_list(*, membership: Membership) -> QuerySet[ApiToken]:
    """Tokens of the tenant that *membership* may manage (its own; every one for an Admin)."""
    queryset = ApiToken.objects.for_tenant(membership.tenant_id).select_related("membership__user")
    return policy.scope(membership, MANAGE_TOKENS, queryset)


def api_token_list_own(*, membership: Membership) -> QuerySet[ApiToken]:
    """The tokens of *membership* itself, newest first."""
    return ApiToken.objects.for_tenant(membership.tenant_id).filter(membership=membership)


def api_token_filter_status(queryset: QuerySet[ApiToken], status: str) -> QuerySet[ApiToken]:
    """*queryset* narrowed to tokens in *status* (``active``, ``expired`` or ``revoked``)."""
    now = timezone.now()
    if status == ApiTokenStatus.REVOKED:
        return queryset.filter(revoked_at__isnull=False)
    if status == ApiTokenStatus.EXPIRED:
        return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
    if status == ApiTokenStatus.ACTIVE:
        return queryset.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True
        )
    return queryset


def api_token_get_for(*, membership: Membership, pk: int | str) -> ApiToken:
    """The token *pk* of the acting membership's tenant; ``NotFound`` for any other."""
    found = (
        ApiToken.objects.for_tenant(membership.tenant_id)
        .select_related("membership__user")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


_PLACEHOLDER = "opsbase:placeholder:key-hash"  # no hash: hashes are hexadecimal


def _token_by_hash(hashed: str) -> QuerySet[ApiToken]:
    return (
        ApiToken.objects.unscoped()
        .select_related("membership__user", "membership__role", "membership__tenant")
        .filter(key_hash=hashed)
        .order_by()[:1]
    )


def api_token_get_by_key(*, raw: str) -> ApiToken | None:
    """The token whose raw form is *raw* (in any state), with what authentication checks.

    Found by the hash of *raw*, so no stored secret is ever compared character by character;
    kept in the cache until any token, user, membership, role or tenant changes (auth_cache).
    """
    if not raw:
        return None
    hashed = key_hash(raw)
    # The cache holds what token_store() put there: ApiToken rows.
    cached: ApiToken | None = token_cached(hashed)
    if cached is not None:
        return cached
    # Deliberately across tenants: the token is what tells which tenant the caller acts in.
    # The key's hash is unique: no ORDER BY (``first()`` adds one, which doubles the time
    # PostgreSQL takes to plan this five-table join on every uncached request).
    # Built and compiled once per connection (opsbase.core.compiled): Django took longer to
    # write this query than PostgreSQL to answer it.
    found = compiled(ApiToken, "api.token_by_key_hash", _token_by_hash, [_PLACEHOLDER]).objects(
        [hashed]
    )
    token = found[0] if found else None
    if token is not None:
        token_store(hashed, token)
    return token


def api_membership_for_sign_in(*, user: User, tenant_slug: str) -> Membership | None:
    """*user*'s active membership of the active tenant *tenant_slug*, or None."""
    return (
        membership_list_for_user(user=user).filter(tenant__slug=(tenant_slug or "").strip()).first()
    )
