from __future__ import annotations

from collections.abc import Hashable

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel

from .constants import RoleKind


class Role(TenantOwnedModel):
    """A named set of permission codenames within one tenant."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)
    kind = models.CharField(
        _("kind"), max_length=16, choices=RoleKind.choices, default=RoleKind.CUSTOM
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    permissions = models.JSONField(_("permissions"), default=list, blank=True)
    is_builtin = models.BooleanField(_("built-in"), default=False, editable=False)
    #: A built-in role: the library defaults it has been offered. A default not in it yet
    #: (a module installed since) is added once; one the organization removed stays removed.
    offered = models.JSONField(_("permissions offered"), default=list, editable=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["tenant", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="role_slug_per_tenant"),
            models.UniqueConstraint(fields=["tenant", "name"], name="role_name_per_tenant"),
        ]

    def __str__(self) -> str:
        return self.name

    def grants(self, codename: str) -> bool:
        return self.kind == RoleKind.ADMIN or codename in self.permissions

    def grants_key(self) -> Hashable:
        """What ``grants`` answers from, as a key: two roles with equal keys grant the same
        codenames (what is worked out from the grants alone may be kept under it)."""
        return True if self.kind == RoleKind.ADMIN else frozenset(self.permissions)
