"""Writes of user accounts: creation, profile, password."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.audit.services import audit_account_event, audit_event, audit_update, snapshot

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
def user_set_password(*, user: User, password: str, action: str = "user.password_change") -> User:
    """*user*'s new password saved (validated by the calling form) and the change audited."""
    user.set_password(password)
    user.save(update_fields=["password"])
    # On the system chain and each of the member's organizations' (their Admins see it).
    audit_account_event(user=user, actor=user, action=action)
    return user
