"""Preventive maintenance of the workshop's machines: the equipment with its hours meter,
the plans that say how often each needs servicing, and the work orders generated for them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel

from .constants import HOURS_DIGITS, HOURS_PLACES, Trigger

ZERO = Decimal("0")


def _hours(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=HOURS_DIGITS,
        decimal_places=HOURS_PLACES,
        validators=[MinValueValidator(ZERO)],
        **kwargs,
    )


class Equipment(TenantOwnedModel):
    """A machine of the workshop (a lathe, a brazing furnace, a grit blaster)."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40)
    location = models.CharField(_("location"), max_length=200, blank=True)
    hours_meter = _hours(_("hours meter"), default=ZERO)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="maintenance_equipment_code")
        ]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="maintenance_equip_created")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("maintenance:equipment_detail", args=[self.pk])


class MaintenancePlan(TenantOwnedModel):
    """How often a machine is serviced: every *interval* days from the next due date, or
    every *interval* hours of use from the next due reading of its hours meter."""

    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, related_name="plans", verbose_name=_("equipment")
    )
    title = models.CharField(_("title"), max_length=200)
    trigger = models.CharField(
        _("trigger"), max_length=8, choices=Trigger.choices, default=Trigger.DAYS
    )
    interval = models.PositiveIntegerField(
        _("interval"), validators=[MinValueValidator(1)], help_text=_("Days or hours of use.")
    )
    next_due_date = models.DateField(_("next due"), null=True, blank=True)
    next_due_hours = _hours(_("next due at hours"), null=True, blank=True)
    checklist = models.TextField(
        _("checklist"), blank=True, help_text=_("One operation of the work order per line.")
    )
    assignee = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    owner = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("The scheduler creates the work orders on the owner's behalf."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        ordering = ["next_due_date", "pk"]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="maintenance_plan_created"),
            models.Index(fields=["tenant", "active", "next_due_date"], name="maintenance_plan_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("maintenance:maintenanceplan_detail", args=[self.pk])


class MaintenanceOrder(TenantOwnedModel):
    """A work order the scheduler generated for a plan's due date: at most one per plan and
    due date (the constraint keeps a second run, even a concurrent one, from another)."""

    plan = models.ForeignKey(
        MaintenancePlan, on_delete=models.PROTECT, related_name="orders", verbose_name=_("plan")
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("work order"),
    )
    due_date = models.DateField(_("due"))
    due_hours = _hours(_("due at hours"), null=True, blank=True)

    class Meta:
        verbose_name = _("maintenance order")
        verbose_name_plural = _("maintenance orders")
        ordering = ["plan", "-due_date"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "due_date"], name="maintenance_order_once")
        ]
        indexes = [models.Index(fields=["tenant", "due_date"], name="maintenance_order_due")]

    def __str__(self) -> str:
        return f"{self.plan_id} due {self.due_date}"
