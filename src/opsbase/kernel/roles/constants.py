from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleKind(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    USER = "user", _("User")
    CUSTOM = "custom", _("Custom")


# Built-in kinds decide record scope: Admin and Manager see every record of their tenant;
# User (and custom roles) see their own records. Codenames decide which actions.
TENANT_WIDE_KINDS = frozenset({RoleKind.ADMIN, RoleKind.MANAGER})
