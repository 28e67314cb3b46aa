"""A non-conformance report (NCR): what was found wrong, on which bit, work order or stock,
why (five whys), what contains it, and the dispositions that decide what becomes of it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel, WorkflowManager
from opsbase.kernel.workflows import StateField

from .constants import (
    NCR_WORKFLOW,
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    WHY_FIELDS,
    DispositionKind,
    InspectionResult,
    Severity,
)

ZERO = Decimal("0")


def _quantity(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        validators=[MinValueValidator(ZERO)],
        **kwargs,
    )


class NcrCounter(TenantOwnedModel):
    """The last NCR number given in a tenant's year (locked to number the next one)."""

    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("NCR counter")
        verbose_name_plural = _("NCR counters")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "year"], name="quality_counter_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Ncr(TenantOwnedModel):
    number = models.CharField(_("number"), max_length=32, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.MINOR
    )
    state = StateField(_("state"), workflow=NCR_WORKFLOW)
    raised_by = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("raised by"),
    )
    drill_bit = models.ForeignKey(
        "drillbits.DrillBit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drill bit"),
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work order"),
    )
    item = models.ForeignKey(
        "inventory.Item",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item"),
    )
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    subject_text = models.CharField(_("other subject"), max_length=200, blank=True)
    quantity_inspected = _quantity(_("quantity inspected"), default=ZERO)
    quantity_nonconforming = _quantity(_("quantity non-conforming"), default=ZERO)
    why_1 = models.TextField(_("why 1"), blank=True)
    why_2 = models.TextField(_("why 2"), blank=True)
    why_3 = models.TextField(_("why 3"), blank=True)
    why_4 = models.TextField(_("why 4"), blank=True)
    why_5 = models.TextField(_("why 5"), blank=True)
    containment = models.TextField(_("containment"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    corrective_task = models.ForeignKey(
        "tasks.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrective action task"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects: ClassVar[WorkflowManager] = WorkflowManager()

    class Meta:
        verbose_name = _("NCR")
        verbose_name_plural = _("NCRs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="quality_ncr_number"),
        ]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="quality_ncr_created"),
            models.Index(fields=["tenant", "state", "severity"], name="quality_ncr_state"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("quality:ncr_detail", args=[self.pk])

    @property
    def whys(self) -> list[str]:
        """The five whys given so far, in order."""
        return [getattr(self, name) for name in WHY_FIELDS if getattr(self, name)]


class Disposition(TenantOwnedModel):
    """What is decided for the non-conforming product; recorded and applied at once."""

    ncr = models.ForeignKey(
        Ncr, on_delete=models.CASCADE, related_name="dispositions", verbose_name=_("NCR")
    )
    kind = models.CharField(_("disposition"), max_length=24, choices=DispositionKind.choices)
    quantity = _quantity(_("quantity"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    approver = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concession approved by"),
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rework order"),
    )
    movement = models.ForeignKey(
        "inventory.StockMovement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stock movement"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        ordering = ["ncr", "pk"]
        indexes = [models.Index(fields=["tenant", "ncr"], name="quality_disposition_ncr")]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class InspectionCounter(TenantOwnedModel):
    """The last inspection number given in a tenant's year."""

    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("inspection counter")
        verbose_name_plural = _("inspection counters")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "year"], name="quality_inspcounter_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Inspection(TenantOwnedModel):
    """An inspection of a drill bit, a work order (its QC step) or received stock, filled in
    on a published form version: its result, inspector, time, and the filled form (with its
    photos and signature)."""

    number = models.CharField(_("number"), max_length=32, editable=False)
    drill_bit = models.ForeignKey(
        "drillbits.DrillBit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drill bit"),
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work order"),
    )
    item = models.ForeignKey(
        "inventory.Item",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received item"),
    )
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    form_version = models.ForeignKey(
        "checklists.FormVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("form"),
    )
    submission = models.ForeignKey(
        "checklists.FormSubmission",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filled form"),
    )
    result = models.CharField(_("result"), max_length=8, choices=InspectionResult.choices)
    inspector = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inspector"),
    )
    inspected_at = models.DateTimeField(_("inspected"))
    notes = models.TextField(_("notes"), blank=True)
    ncr = models.ForeignKey(
        Ncr,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("NCR raised"),
    )

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="quality_inspection_number"),
        ]
        indexes = [
            models.Index(fields=["tenant", "-inspected_at", "-id"], name="quality_insp_when"),
            models.Index(fields=["tenant", "work_order", "-inspected_at"], name="quality_insp_wo"),
            models.Index(fields=["tenant", "result"], name="quality_insp_result"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("quality:inspection_detail", args=[self.pk])

    @property
    def subject_label(self) -> str:
        if self.drill_bit_id:
            return str(self.drill_bit)
        if self.work_order_id:
            return str(self.work_order)
        if self.item_id:
            return str(self.item)
        return ""
