"""What notifications keep: each notification, each member's unread count (written with the
notification, so the bell reads one row), their channel preferences, and the digests sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel


class Notification(TenantOwnedModel):
    """One thing a member was told: in the bell (``in_app``), and/or waiting for their daily
    digest (``digest_pending``)."""

    recipient = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    #: The declared event (``tasks.assigned``).
    event = models.CharField(_("event"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    in_app = models.BooleanField(_("shown in the bell"), default=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    digest_pending = models.BooleanField(_("waiting for the digest"), default=False)
    digested_at = models.DateTimeField(_("sent in a digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-created_at", "-pk")
        indexes = (
            models.Index(
                fields=("tenant", "recipient", "in_app", "-created_at"),
                name="kit_notification_bell",
            ),
            models.Index(fields=("digest_pending",), name="kit_notification_digest"),
        )

    def __str__(self) -> str:
        return self.title


class NotificationCounter(TenantOwnedModel):
    """A member's unread count, changed in the same transaction as the notifications it
    counts: the bell reads this one row."""

    membership = models.OneToOneField(
        "tenants.Membership",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    unread = models.PositiveIntegerField(_("unread"), default=0)

    class Meta:
        verbose_name = _("unread count")
        verbose_name_plural = _("unread counts")

    def __str__(self) -> str:
        return str(self.unread)


class NotificationPreference(TenantOwnedModel):
    """How a member wants to hear about one event; without a row, the event's defaults."""

    membership = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    event = models.CharField(_("event"), max_length=100)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("by e-mail"), default=False)
    digest = models.BooleanField(_("in the daily digest"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = (
            models.UniqueConstraint(
                fields=("membership", "event"), name="kit_notificationpref_unique"
            ),
        )
        indexes = (
            models.Index(fields=("tenant", "membership"), name="kit_notificationpref_member"),
        )

    def __str__(self) -> str:
        return self.event


class NotificationDigest(models.Model):
    """The one digest e-mail a person received on a day: the job's proof that it already ran."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("notifications"), default=0)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification digest")
        verbose_name_plural = _("notification digests")
        ordering = ("-day", "pk")
        constraints = (
            models.UniqueConstraint(fields=("user", "day"), name="kit_notificationdigest_once"),
        )

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
