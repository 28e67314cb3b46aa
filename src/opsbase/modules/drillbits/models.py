"""A drill bit: a serialized asset of the workshop, moved through its lifecycle, with the runs
it made in wells."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel, WorkflowManager
from opsbase.core.validation import SingleLineTextValidator
from opsbase.kernel.workflows import StateField

from .constants import (
    BIT_WORKFLOW,
    DULL_BEARING_GRADES,
    DULL_GAUGE_PATTERN,
    IADC_CODE_PATTERN,
    BitSize,
    BitType,
    DullCharacteristic,
    DullLocation,
    DullReason,
)

SERIAL_TAKEN = _("Another drill bit of this organization has this serial number.")
FOREIGN_SITE = _("Choose a rig or well of this organization.")


def scan_code_new() -> str:
    """An unguessable code for a bit's QR label (128 random bits, URL-safe)."""
    return secrets.token_urlsafe(16)


class DrillBit(TenantOwnedModel):
    serial_number = models.CharField(
        _("serial number"), max_length=60, validators=[SingleLineTextValidator()]
    )
    bit_type = models.CharField(_("type"), max_length=20, choices=BitType.choices)
    size = models.CharField(_("size"), max_length=10, choices=BitSize.choices)
    design = models.CharField(
        _("design / model"), max_length=120, blank=True, validators=[SingleLineTextValidator()]
    )
    iadc_code = models.CharField(
        _("IADC code"),
        max_length=4,
        blank=True,
        validators=[
            RegexValidator(
                IADC_CODE_PATTERN,
                _("Give an IADC code such as 517X (roller cone) or M323 (fixed cutter)."),
            )
        ],
    )
    location = models.CharField(
        _("current location"),
        max_length=200,
        blank=True,
        validators=[SingleLineTextValidator()],
        help_text=_("Where the bit is now: a shelf, a workshop bay, a rig site."),
    )
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
    status = StateField(_("status"), workflow=BIT_WORKFLOW)
    state_entered_at = models.DateTimeField(
        _("in this status since"), null=True, blank=True, editable=False
    )
    scan_code = models.CharField(
        _("scan code"), max_length=32, unique=True, default=scan_code_new, editable=False
    )

    objects: ClassVar[WorkflowManager] = WorkflowManager()

    class Meta:
        verbose_name = _("drill bit")
        verbose_name_plural = _("drill bits")
        ordering = ["serial_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "serial_number"], name="drillbits_bit_tenant_serial"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "state_entered_at"], name="bit_tenant_state"),
            models.Index(fields=["tenant", "-created_at"], name="bit_tenant_created"),
            models.Index(fields=["tenant", "rig"], name="bit_tenant_rig"),
            models.Index(fields=["tenant", "well"], name="bit_tenant_well"),
        ]

    def __str__(self) -> str:
        return self.serial_number

    def get_absolute_url(self) -> str:
        return reverse("drillbits:drillbit_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors = {}
        for name in ("rig", "well"):
            site = getattr(self, name) if getattr(self, f"{name}_id") is not None else None
            if site is not None and self.tenant_id and site.tenant_id != self.tenant_id:
                errors[name] = FOREIGN_SITE
        if self.tenant_id and self.serial_number:
            taken = DrillBit.objects.for_tenant(self.tenant_id).filter(
                serial_number__iexact=self.serial_number
            )
            if taken.exclude(pk=self.pk).exists():
                errors["serial_number"] = SERIAL_TAKEN
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude=None) -> None:
        # The scan code is 128 random bits: the database's unique index is the check, and a
        # lookup across organizations is not this model's to make.
        super().validate_unique(exclude={*(exclude or ()), "scan_code"})

    def validate_constraints(self, exclude=None) -> None:
        # The serial number's uniqueness is checked in clean() with the field's own message.
        super().validate_constraints(exclude={*(exclude or ()), "serial_number"})


def _metres(name: Any) -> models.DecimalField:
    return models.DecimalField(
        name,
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )


class BitRun(TenantOwnedModel):
    """One run of a bit in a well: depths, hours on bottom and its IADC dull grade."""

    bit = models.ForeignKey(
        DrillBit, on_delete=models.CASCADE, related_name="runs", verbose_name=_("drill bit")
    )
    well = models.ForeignKey(
        "sites.Well", on_delete=models.PROTECT, related_name="+", verbose_name=_("well")
    )
    number = models.PositiveIntegerField(_("run"), editable=False)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    depth_in = _metres(_("depth in (m)"))
    depth_out = _metres(_("depth out (m)"))
    hours = models.DecimalField(
        _("hours on bottom"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    # IADC dull grade, in the order the code is written (I O D L B G O R).
    dull_inner = models.PositiveSmallIntegerField(
        _("inner rows"), null=True, blank=True, validators=[MaxValueValidator(8)]
    )
    dull_outer = models.PositiveSmallIntegerField(
        _("outer rows"), null=True, blank=True, validators=[MaxValueValidator(8)]
    )
    dull_characteristic = models.CharField(
        _("dull characteristic"), max_length=2, blank=True, choices=DullCharacteristic.choices
    )
    dull_location = models.CharField(
        _("location"), max_length=1, blank=True, choices=DullLocation.choices
    )
    dull_bearing = models.CharField(
        _("bearings / seals"),
        max_length=1,
        blank=True,
        choices=[(g, g) for g in DULL_BEARING_GRADES],
    )
    dull_gauge = models.CharField(
        _("gauge"),
        max_length=5,
        blank=True,
        validators=[
            RegexValidator(DULL_GAUGE_PATTERN, _("I (in gauge) or sixteenths under: 1/16…16/16."))
        ],
    )
    dull_other = models.CharField(
        _("other characteristic"), max_length=2, blank=True, choices=DullCharacteristic.choices
    )
    dull_reason = models.CharField(
        _("reason pulled"), max_length=3, blank=True, choices=DullReason.choices
    )

    class Meta:
        verbose_name = _("bit run")
        verbose_name_plural = _("bit runs")
        ordering = ["bit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bit", "number"], name="drillbits_run_bit_number")
        ]
        indexes = [models.Index(fields=["tenant", "bit", "number"], name="bitrun_tenant_bit")]

    def __str__(self) -> str:
        return f"{self.bit} #{self.number}"

    def clean(self) -> None:
        super().clean()
        if self.well_id is not None and self.tenant_id and self.well.tenant_id != self.tenant_id:
            raise ValidationError({"well": FOREIGN_SITE})
        if (
            self.depth_in is not None
            and self.depth_out is not None
            and self.depth_out < self.depth_in
        ):
            raise ValidationError({"depth_out": _("Depth out cannot be above depth in.")})

    @property
    def footage(self) -> Decimal | None:
        """Metres drilled in the run (depth out − depth in), when both are known."""
        if self.depth_in is None or self.depth_out is None:
            return None
        return self.depth_out - self.depth_in

    @property
    def dull_grade(self) -> str:
        """The eight IADC fields as the code is written (``1-2-WT-A-E-I-NO-TD``), "" when not
        graded."""
        parts = [
            "" if self.dull_inner is None else str(self.dull_inner),
            "" if self.dull_outer is None else str(self.dull_outer),
            self.dull_characteristic,
            self.dull_location,
            self.dull_bearing,
            self.dull_gauge,
            self.dull_other,
            self.dull_reason,
        ]
        return "-".join(p or "?" for p in parts) if any(parts) else ""
