"""What the kit keeps for its pages: the views a member saved of a list."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel


class SavedView(TenantOwnedModel):
    """A list's filters, sort and page size as one member saved them under a name: the list's
    URL with that query, which they can open again or share as a link."""

    membership = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    #: The list's URL name (``tasks:task_all``).
    list_name = models.CharField(_("list"), max_length=100)
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("query"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ("name", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=("membership", "list_name", "name"), name="kit_savedview_unique_name"
            ),
        )
        indexes = (
            models.Index(fields=("tenant", "membership", "list_name"), name="kit_savedview_list"),
        )

    def __str__(self) -> str:
        return self.name


# Notifications are the kit's too (one call for every module): their models live beside it.
from .notifications.models import (  # noqa: E402
    Notification,
    NotificationCounter,
    NotificationDigest,
    NotificationPreference,
)

__all__ = [
    "Notification",
    "NotificationCounter",
    "NotificationDigest",
    "NotificationPreference",
    "SavedView",
]
