"""Where the drill bits work: a customer's rigs and wells (reference data, no workflow)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel
from opsbase.core.validation import SingleLineTextValidator

FOREIGN_CUSTOMER = _("Choose a customer of this organization.")


class _CustomerSite(TenantOwnedModel):
    """A place of one customer of the organization."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )
    name = models.CharField(_("name"), max_length=120, validators=[SingleLineTextValidator()])
    location = models.CharField(
        _("location"), max_length=200, blank=True, validators=[SingleLineTextValidator()]
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if (
            self.customer_id is not None
            and self.tenant_id is not None
            and self.customer.tenant_id != self.tenant_id
        ):
            raise ValidationError({"customer": FOREIGN_CUSTOMER}, code="foreign_customer")


class Rig(_CustomerSite):
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )

    class Meta:
        verbose_name = _("rig")
        verbose_name_plural = _("rigs")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["tenant", "name"], name="sites_rig_tenant_name"),
            models.Index(fields=["tenant", "customer"], name="sites_rig_tenant_customer"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("sites:rig_detail", args=[self.pk])


class Well(_CustomerSite):
    field = models.CharField(
        _("field"),
        max_length=120,
        blank=True,
        validators=[SingleLineTextValidator()],
        help_text=_("The oil or gas field the well is in."),
    )
    depth_m = models.DecimalField(
        _("depth (m)"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Total depth in metres."),
    )

    class Meta:
        verbose_name = _("well")
        verbose_name_plural = _("wells")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["tenant", "name"], name="sites_well_tenant_name"),
            models.Index(fields=["tenant", "customer"], name="sites_well_tenant_customer"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("sites:well_detail", args=[self.pk])
