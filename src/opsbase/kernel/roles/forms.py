"""Input of the role pages: parsing and field validation only."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import policy

from .constants import RoleKind
from .selectors import permission_groups


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, role=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        # Read at request time: apps register their codenames when Django starts.
        cast(forms.ChoiceField, self.fields["permissions"]).choices = [
            (r.codename, str(r.label)) for r in policy.rules()
        ]
        if role is not None and role.is_builtin:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _("Built-in roles keep their name.")
        if role is not None and role.kind == RoleKind.ADMIN:
            self.fields["permissions"].disabled = True
            self.fields["permissions"].help_text = _(
                "The Admin role always holds every permission."
            )

    def permission_groups(self) -> list[dict]:
        """Checkboxes grouped by the app that declares them, with their checked state."""
        if self.is_bound and not self.fields["permissions"].disabled:
            chosen = (
                set(self.data.getlist("permissions")) if hasattr(self.data, "getlist") else set()
            )
        else:
            chosen = set(self.initial.get("permissions") or [])
        return [
            {
                "title": title,
                "entries": [
                    {"codename": c, "label": label, "checked": c in chosen, "id": f"perm-{c}"}
                    for c, label in entries
                ],
            }
            for title, entries in permission_groups()
        ]


class RoleTemplateApplyForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new role"),
        max_length=80,
        required=False,
        help_text=_("Leave empty to use the template's name."),
    )
