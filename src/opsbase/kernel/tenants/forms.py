"""Input of the member and invitation pages: parsing and field validation only."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.roles.selectors import role_options


class _RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.name)


class MembershipRoleForm(forms.Form):
    role = _RoleChoiceField(label=_("Role"), queryset=None, empty_label=None)

    def __init__(self, *args, membership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the acting tenant's roles: another tenant's role id is an invalid choice.
        role = cast(forms.ModelChoiceField, self.fields["role"])
        role.queryset = role_options(membership=membership)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = _RoleChoiceField(label=_("Role"), queryset=None, empty_label=None)

    def __init__(self, *args, membership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        role = cast(forms.ModelChoiceField, self.fields["role"])
        role.queryset = role_options(membership=membership)
