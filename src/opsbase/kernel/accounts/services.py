"""Writes of user accounts: creation, profile, password."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opsbase.core.exceptions import ValidationError
from opsbase.core.validation import validated
from opsbase.kernel.audit.services import (
    audit_account_event,
    audit_create,
    audit_event,
    audit_update,
    snapshot,
)
from opsbase.kernel.policy import require_superuser

from .models import User

if TYPE_CHECKING:
    from opsbase.kernel.tenants.models import Membership


def _fields_error(exc: DjangoValidationError) -> ValidationError:
    """Django's validation error as OpsBase's, with ``extra["fields"]`` (field -> messages)."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    messages = [m for ms in fields.values() for m in ms]
    return ValidationError(" ".join(messages), extra={"fields": fields})


@transaction.atomic
def user_create(*, email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """A new active user with a validated password; the e-mail address is stored lower-case."""
    user = User(
        email=User.objects.normalize_email(email.strip()).lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    try:
        user.full_clean(exclude=["password"])
    except DjangoValidationError as exc:
        raise _fields_error(exc) from None
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise _fields_error(DjangoValidationError({"password": exc.messages})) from None
    user.set_password(password)
    user.save()
    audit_event(tenant=None, actor=user, action="user.create", target=user, target_label=user.email)
    return user


@transaction.atomic
def user_update_profile(
    *, user: User, first_name: str, last_name: str, membership: Membership | None = None
) -> User:
    """*user*'s names changed and audited (in *membership*'s tenant when one is active)."""
    before = snapshot(user)
    old = {"first_name": user.first_name, "last_name": user.last_name}
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    try:
        user.full_clean(exclude=["password"])
    except DjangoValidationError as exc:
        # The caller keeps using this object (often request.user): leave it as it was.
        user.first_name, user.last_name = old["first_name"], old["last_name"]
        raise _fields_error(exc) from None
    user.save(update_fields=["first_name", "last_name"])
    if membership is not None:
        audit_update(membership=membership, obj=user, before=before)
    else:
        changes = {
            field: (value, getattr(user, field))
            for field, value in old.items()
            if value != getattr(user, field)
        }
        if changes:
            audit_event(
                tenant=None,
                actor=user,
                action="user.update",
                target=user,
                target_label=user.email,
                changes=changes,
            )
    return user


@transaction.atomic
def user_set_password(
    *,
    user: User,
    password: str | None,
    action: str = "user.password_change",
    actor: User | None = None,
) -> User:
    """*user*'s new password saved (validated by the calling form) and the change audited;
    ``None`` turns password sign-in off. *actor*: who did it when not *user* (a superuser)."""
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    # On the system chain and each of the member's organizations' (their Admins see it).
    audit_account_event(user=user, actor=actor or user, action=action)
    return user


# -- a superuser's writes, from the Django admin -----------------------------------------------

# The account fields a superuser sets in the admin; the password has its own service.
STAFF_EDITABLE_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "is_active",
    "is_staff",
    "is_superuser",
)


@transaction.atomic
def user_staff_create(*, actor: User, user: User) -> User:
    """A new account prepared by a superuser's admin form (address and password already
    validated there), saved and audited on the system chain with the superuser as actor."""
    require_superuser(actor)
    user.email = User.objects.normalize_email(user.email.strip()).lower()
    validated(user, exclude=["password"])
    user.save()
    audit_create(membership=None, actor=actor, obj=user, action="user.create")
    return user


@transaction.atomic
def user_staff_update(*, actor: User, user: User, changes: Mapping[str, Any]) -> User:
    """*changes* (field -> new value, from the admin form) made to *user* under a row lock,
    and audited with each field's old and new value on the system chain and the chain of
    each of *user*'s organizations.

    The last active superuser cannot lose that standing: nobody could sign in to the admin.
    """
    require_superuser(actor)
    unknown = sorted(set(changes) - set(STAFF_EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"user_staff_update() cannot set {', '.join(unknown)}.")
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = {name: getattr(locked, name) for name in STAFF_EDITABLE_FIELDS}
    was_superuser = locked.is_active and locked.is_superuser
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.email = User.objects.normalize_email(locked.email.strip()).lower()
    validated(locked, exclude=["password"])
    if was_superuser and not (locked.is_active and locked.is_superuser):
        others = User.objects.filter(is_active=True, is_superuser=True).exclude(pk=locked.pk)
        if not others.exists():
            message = _("This is the last active superuser; make another one first.")
            raise ValidationError(message, extra={"fields": {"is_superuser": [str(message)]}})
    locked.save()
    changed = {
        name: (old, getattr(locked, name))
        for name, old in before.items()
        if old != getattr(locked, name)
    }
    if changed:
        # On the system chain and each of the member's organizations' (a deactivation, say,
        # is their Admins' business too).
        audit_account_event(user=locked, actor=actor, action="user.update", changes=changed)
    return locked


@transaction.atomic
def login_lockouts_clear(*, actor: User, attempts: Iterable[Any]) -> int:
    """Clear sign-in lockouts (django-axes ``AccessAttempt`` records) through django-axes, so
    that whichever handler counts failures forgets them; each is audited on the system
    chain. The number of records axes removed."""
    from axes.utils import reset

    require_superuser(actor)
    cleared = 0
    for attempt in attempts:
        audit_event(
            tenant=None,
            actor=actor,
            action="login.unlock",
            target_type=attempt._meta.label_lower,
            target_id=attempt.pk,
            target_label=attempt.username or "",
            changes={
                "ip_address": (attempt.ip_address, None),
                "failures_since_start": (attempt.failures_since_start, 0),
            },
        )
        cleared += reset(ip=attempt.ip_address, username=attempt.username)
    return cleared
