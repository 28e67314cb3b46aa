"""Token lookups kept in the cache, so an API request need not query to know its caller.

A found token is cached with the membership, user, role and tenant authentication checks,
stamped with the *auth version*: one cache-wide value replaced whenever a token, user,
membership, role or tenant is saved or deleted (receivers below), so a revoked token, a
deactivated account or a changed role is seen by the very next request, on every process.
The entry and the version are read in one round trip (``core.cache.stamped_get``). The timeout
(``OPSBASE_AUTH_CACHE_TIMEOUT`` seconds, 0 turns the cache off) bounds what a write that
bypasses the models could leave. The user's password hash is never put in the cache.
"""

from __future__ import annotations

import logging

from opsbase.conf import setting
from opsbase.core.cache import global_version, global_version_bump, stamped_get, stamped_set

logger = logging.getLogger(__name__)

AUTH_VERSION = "auth"


def _timeout() -> int:
    return int(setting("AUTH_CACHE_TIMEOUT") or 0)


def _key(hashed: str) -> str:
    return f"opsbase:auth:token:{hashed}"


def token_cached(hashed: str):
    """The cached token of hash *hashed*, or None (not cached, cache off or unreachable)."""
    if not _timeout():
        return None
    token, _version = stamped_get(
        _key(hashed), AUTH_VERSION, tenant_of=lambda token: getattr(token, "tenant_id", None)
    )
    return token


def token_store(hashed: str, token) -> None:
    """Cache *token* (with its membership, user, role and tenant loaded), minus the password.

    Stamped with the auth version this request read before it looked the token up (the
    request's version snapshot keeps it), so a change committed meanwhile makes it stale."""
    if not _timeout():
        return
    try:
        version = global_version(AUTH_VERSION)
    except Exception:
        logger.warning("cache unavailable, token not cached", exc_info=True)
        return
    user = token.membership.user
    password = user.__dict__.pop("password", None)  # deferred: read again if ever needed
    try:
        stamped_set(_key(hashed), version, token, _timeout())
    finally:
        if password is not None:
            user.__dict__["password"] = password


def auth_changed(sender=None, **kwargs) -> None:
    """Forget every cached token (and other sign-in data): now, and again after the commit."""
    global_version_bump(AUTH_VERSION)


def _user_changed(sender=None, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nothing a token's authentication reads
    auth_changed()


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    from opsbase.kernel.roles.models import Role
    from opsbase.kernel.tenants.models import Membership, Tenant

    from .models import ApiToken

    post_save.connect(_user_changed, sender=get_user_model(), dispatch_uid="opsbase.auth.user")
    post_delete.connect(auth_changed, sender=get_user_model(), dispatch_uid="opsbase.auth.user-")
    for model in (ApiToken, Membership, Role, Tenant):
        name = model._meta.label_lower
        post_save.connect(auth_changed, sender=model, dispatch_uid=f"opsbase.auth.{name}")
        post_delete.connect(auth_changed, sender=model, dispatch_uid=f"opsbase.auth.{name}-")
