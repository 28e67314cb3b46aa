"""A dispatch note: drill bits sent to a rig or well (outbound), or brought back from one
(return), with a number per organization and a printable PDF."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel, WorkflowManager, check_constraint
from opsbase.core.validation import SingleLineTextValidator
from opsbase.kernel.workflows import StateField

from .constants import DISPATCH_WORKFLOW, NoteKind

NEEDS_A_DESTINATION = _("Choose the rig or the well the bits go to or come from.")
FOREIGN_SITE = _("Choose one of your organization's rigs or wells.")


class DispatchCounter(TenantOwnedModel):
    """The last number given to a dispatch note of the tenant in a year (locked to number
    the next one, so two notes created at once never share a number)."""

    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("dispatch note counter")
        verbose_name_plural = _("dispatch note counters")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "year"], name="dispatch_counter_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class DispatchNote(TenantOwnedModel):
    number = models.CharField(_("number"), max_length=32, editable=False)
    kind = models.CharField(
        _("kind"), max_length=16, choices=NoteKind.choices, default=NoteKind.OUTBOUND
    )
    state = StateField(_("state"), workflow=DISPATCH_WORKFLOW)
    rig = models.ForeignKey(
        "sites.Rig",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rig"),
    )
    well = models.ForeignKey(
        "sites.Well",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("well"),
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    carrier = models.CharField(
        _("carrier"), max_length=200, blank=True, validators=[SingleLineTextValidator()]
    )
    reference = models.CharField(
        _("reference"), max_length=200, blank=True, validators=[SingleLineTextValidator()]
    )
    notes = models.TextField(_("notes"), blank=True)
    #: How many drill bits are on the note, kept by its services in the same transaction as
    #: its lines (the issue guard and the lists read it without a query per note).
    bit_count = models.PositiveIntegerField(_("drill bits"), default=0, editable=False)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects: ClassVar[WorkflowManager] = WorkflowManager()

    class Meta:
        verbose_name = _("dispatch note")
        verbose_name_plural = _("dispatch notes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="dispatch_number_unique"),
            check_constraint(
                Q(rig__isnull=False) | Q(well__isnull=False), "dispatch_note_has_destination"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="dispatch_tenant_created"),
            models.Index(fields=["tenant", "state", "date"], name="dispatch_tenant_state"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("dispatch:dispatchnote_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.rig_id is None and self.well_id is None:
            raise ValidationError({"rig": NEEDS_A_DESTINATION}, code="no_destination")
        for name in ("rig", "well"):
            site = getattr(self, name) if getattr(self, f"{name}_id") is not None else None
            if site is not None and self.tenant_id is not None and site.tenant_id != self.tenant_id:
                raise ValidationError({name: FOREIGN_SITE}, code="foreign_site")

    @property
    def destination(self) -> str:
        """The rig and/or well, as people read it."""
        return " / ".join(str(site) for site in (self.rig, self.well) if site is not None)


class DispatchLine(TenantOwnedModel):
    """A drill bit on a dispatch note."""

    note = models.ForeignKey(
        DispatchNote, on_delete=models.CASCADE, related_name="lines", verbose_name=_("note")
    )
    drillbit = models.ForeignKey(
        "drillbits.DrillBit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drill bit"),
    )

    class Meta:
        verbose_name = _("drill bit on a dispatch note")
        verbose_name_plural = _("drill bits on dispatch notes")
        ordering = ["note", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["note", "drillbit"], name="dispatch_bit_once_per_note")
        ]
        indexes = [models.Index(fields=["tenant", "drillbit"], name="dispatch_line_tenant_bit")]

    def __str__(self) -> str:
        return f"{self.drillbit_id} on {self.note_id}"
