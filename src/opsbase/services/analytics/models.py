"""The analytics events table: who did what, when, with which properties, in which tenant."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel


class Event(TenantOwnedModel):
    """One business event, written by a service with ``track()`` inside its transaction (so a
    rolled-back write records nothing) and exported after the commit."""

    #: Sent along to export backends: a backend that receives an event twice (a batch retried)
    #: keeps it once.
    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    name = models.CharField(_("event"), max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    occurred_at = models.DateTimeField(_("when"), db_index=False)
    properties = models.JSONField(
        _("properties"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    #: Set once every configured backend has the event; NULL: waiting for the export.
    exported_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("analytics event")
        verbose_name_plural = _("analytics events")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "name", "occurred_at"], name="analytics_event_name"),
            models.Index(fields=["tenant", "-occurred_at"], name="analytics_event_recent"),
            models.Index(fields=["exported_at", "id"], name="analytics_event_export"),
        ]

    def __str__(self) -> str:
        return self.name
