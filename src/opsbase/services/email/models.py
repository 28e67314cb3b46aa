"""The suppression list: addresses the site sends nothing to.

Not an organization's row: a hard bounce or a spam complaint is about the address and the
sending domain every organization shares, so it holds for all of them (``organization_id``
0). An unsubscribe from one organization's campaigns holds for that organization only (its
id, kept as a number: a foreign key to the organization would make the row tenant-owned, and
this app imports no kernel app)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import EVERYWHERE


class SuppressionReason(models.TextChoices):
    BOUNCE = "bounce", _("Bounced")
    COMPLAINT = "complaint", _("Marked as spam")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribed")
    REJECTED = "rejected", _("Refused by the provider")
    MANUAL = "manual", _("Added by hand")


class Suppression(models.Model):
    address = models.CharField(_("e-mail"), max_length=254)
    organization_id = models.PositiveBigIntegerField(_("organization"), default=EVERYWHERE)
    reason = models.CharField(_("reason"), max_length=16, choices=SuppressionReason.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    #: The provider's event id (a webhook delivered twice adds one row).
    event_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["address", "organization_id"], name="email_suppression_unique"
            )
        ]

    def __str__(self) -> str:
        return self.address
