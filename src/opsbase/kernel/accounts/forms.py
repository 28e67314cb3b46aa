"""Input parsing for sign-in, the profile and the admin's user forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import user_set_password


class LoginForm(auth_forms.AuthenticationForm):
    """Django's sign-in form (it passes ``request`` to ``authenticate``), keyed by e-mail.

    The address is lower-cased before authenticating so that the lockout counter of an
    account is one counter, whatever capitalisation an attacker types.
    """

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form; saving goes through the service so that the change is audited."""

    def save(self, commit: bool = True) -> User:
        return user_set_password(user=self.user, password=self.cleaned_data["new_password1"])


class PasswordResetSetForm(auth_forms.SetPasswordForm):
    """The new password chosen from a reset link; saved and audited by the service."""

    def save(self, commit: bool = True) -> User:
        return user_set_password(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            action="user.password_reset",
        )


# Django 5.1 added AdminUserCreationForm (with the "usable password" switch); 4.2 LTS has only
# BaseUserCreationForm, which the newer form extends.
if TYPE_CHECKING:
    from django.contrib.auth.forms import BaseUserCreationForm as _AdminCreationBase
else:
    _AdminCreationBase = getattr(
        auth_forms, "AdminUserCreationForm", auth_forms.BaseUserCreationForm
    )
ADMIN_FORM_HAS_USABLE_PASSWORD = "usable_password" in _AdminCreationBase.base_fields


class UserAdminCreationForm(_AdminCreationBase):
    """The admin's "add user" form: an e-mail address instead of a username."""

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("A user with this e-mail address already exists."), code="unique"
            )
        return email


class UserAdminChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
