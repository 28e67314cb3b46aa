"""Sign-in, sign-out and failed sign-in events, from Django's authentication signals."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from opsbase.kernel.tenants.selectors import (
    SESSION_KEY,
    membership_active_for_user,
    membership_list_for_user,
)

from .models import AuditAction
from .services import audit_account_event, audit_event


def _session_tenant_id(request) -> int | None:
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None


def _active_tenant(request, user):
    """The tenant the user acts in (the session's choice, else their first), or None."""
    membership = getattr(request, "membership", None) if request is not None else None
    if membership is not None and membership.user_id == user.pk:
        return membership.tenant_id
    membership = membership_active_for_user(user=user, tenant_id=_session_tenant_id(request))
    return membership.tenant_id if membership is not None else None


@receiver(user_logged_in, dispatch_uid="opsbase_audit_login")
def audit_login(sender, request=None, user=None, **kwargs) -> None:
    if user is None:
        return
    audit_event(
        tenant=_active_tenant(request, user),
        actor=user,
        action=AuditAction.LOGIN,
        target=user,
        target_label=user.get_username(),
    )


@receiver(user_logged_out, dispatch_uid="opsbase_audit_logout")
def audit_logout(sender, request=None, user=None, **kwargs) -> None:
    if user is None or not user.is_authenticated:
        return  # Signing out without being signed in changes nothing.
    audit_event(
        tenant=_active_tenant(request, user),
        actor=user,
        action=AuditAction.LOGOUT,
        target=user,
        target_label=user.get_username(),
    )


@receiver(user_login_failed, dispatch_uid="opsbase_audit_login_failed")
def audit_login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    # Only the account name is kept; the password (already blanked by Django) never is.
    credentials = credentials or {}
    user_model = get_user_model()
    username = str(credentials.get(user_model.USERNAME_FIELD) or credentials.get("username") or "")[
        :254
    ]
    user = None
    if username:
        user = (
            user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__iexact": username})
            .only("pk", user_model.USERNAME_FIELD)
            .first()
        )
    tenant_ids: list[int | None] = [None]
    if user is not None:
        # Each organization of the account sees attempts on it; unknown accounts go to the
        # tenant-less system chain.
        tenant_ids = [m.tenant_id for m in membership_list_for_user(user=user)] or [None]
    for tenant_id in tenant_ids:
        audit_event(
            tenant=tenant_id,
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            target_type=user_model._meta.label_lower if user is not None else "",
            target_id=user.pk if user is not None else "",
            target_label=username,
        )


@receiver(user_locked_out, dispatch_uid="opsbase_audit_locked_out")
def audit_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """A sign-in lockout, on the account's organizations' chains (and the system chain);
    an unknown account's on the system chain only."""
    user_model = get_user_model()
    user = None
    if username:
        user = user_model._default_manager.filter(
            **{f"{user_model.USERNAME_FIELD}__iexact": username}
        ).first()
    if user is None:
        audit_event(tenant=None, actor=None, action="user.locked_out", target_label=username or "")
        return
    audit_account_event(user=user, action="user.locked_out")
