"""Accounts in the Django admin: every write goes through the accounts services, so it is
checked (superusers only) and audited with the superuser as the actor.

OpsBase's permissions are roles inside organizations; the admin is for superusers. Django's
groups and per-user permissions are therefore not offered (the group admin is removed), an
account is deactivated rather than deleted (its memberships and history stay), and sign-in
records of django-axes are read-only except that a superuser may clear a lockout (audited).
"""

from __future__ import annotations

from contextvars import ContextVar

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.admin import AccessFailureLogAdmin as AxesAccessFailureLogAdmin
from axes.admin import AccessLogAdmin as AxesAccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from opsbase.core.context import bind
from opsbase.kernel.admin import ReadOnlyAdmin, ServiceAdminMixin

from .forms import ADMIN_FORM_HAS_USABLE_PASSWORD, UserAdminChangeForm, UserAdminCreationForm
from .models import User
from .services import (
    STAFF_EDITABLE_FIELDS,
    login_lockouts_clear,
    user_set_password,
    user_staff_create,
    user_staff_update,
)

# The superuser on the admin's password page: Django's view builds the form without the
# request, and the service needs to know who acted.
_acting: ContextVar[User | None] = ContextVar("opsbase_admin_acting", default=None)


class StaffPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """The admin's password page; the new password (or password sign-in turned off) is saved
    by the service and audited with the superuser as actor."""

    def save(self, commit: bool = True) -> User:
        usable = self.cleaned_data.get("set_usable_password", True)
        return user_set_password(
            user=self.user,
            password=self.cleaned_data["password1"] if usable else None,
            action="user.password_set" if usable else "user.password_disable",
            actor=_acting.get(),
        )


@admin.register(User)
class UserAdmin(ServiceAdminMixin, DjangoUserAdmin):
    """Django's user admin, keyed by e-mail address, saving through the accounts services."""

    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    change_password_form = StaffPasswordChangeForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    *(("usable_password",) if ADMIN_FORM_HAS_USABLE_PASSWORD else ()),
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: memberships and audit history stay whole

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            user_staff_create(actor=request.user, user=obj)
            return
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in STAFF_EDITABLE_FIELDS
        }
        if changes:
            user_staff_update(actor=request.user, user=obj, changes=changes)

    def user_change_password(self, request, id, form_url=""):
        with bind(_acting, request.user):
            return super().user_change_password(request, id, form_url)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


# django-axes: what happened at sign-in is history, shown read-only; clearing a lockout is
# the one write, and it is audited.
for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """Lockouts: read-only; deleting one (or several) unlocks them, audited."""

    actions = ()  # Django's "delete selected" stays: it deletes through delete_queryset

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        login_lockouts_clear(actor=request.user, attempts=[obj])

    def delete_queryset(self, request, queryset) -> None:
        login_lockouts_clear(actor=request.user, attempts=list(queryset))


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin, AxesAccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(ReadOnlyAdmin, AxesAccessFailureLogAdmin):
    pass
