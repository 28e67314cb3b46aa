"""A work order: repair, inspection or rebuild work for a customer, its ordered operations
(a checklist with planned and actual hours) and the parts it consumed from stock."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel, WorkflowManager
from opsbase.kernel.workflows import StateField

from .constants import (
    HOURS_DIGITS,
    HOURS_PLACES,
    OPEN_STATES,
    WORKORDER_WORKFLOW,
    WorkOrderPriority,
    WorkOrderType,
)

ZERO = Decimal("0")


def _hours(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=HOURS_DIGITS,
        decimal_places=HOURS_PLACES,
        validators=[MinValueValidator(ZERO)],
        **kwargs,
    )


def progress_of(operations: Iterable[tuple[Decimal | None, bool]]) -> int:
    """The one rule of a work order's progress, in percent, from its operations as
    ``(planned hours, done)``: the share of planned hours done, or, when no operation has
    planned hours, the share of operations done. No operation: 0."""
    steps = list(operations)
    if not steps:
        return 0
    planned = sum((hours or ZERO for hours, _done in steps), ZERO)
    if planned > ZERO:
        done = sum((hours or ZERO for hours, done in steps if done), ZERO)
        return int(done * 100 / planned)
    return int(sum(1 for _hours, done in steps if done) * 100 / len(steps))


class WorkOrderCounter(TenantOwnedModel):
    """The last number given to a work order of the tenant in a year (locked to number the
    next one, so two orders created at once never share a number)."""

    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("work order counter")
        verbose_name_plural = _("work order counters")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "year"], name="workorders_counter_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class WorkOrder(TenantOwnedModel):
    number = models.CharField(_("number"), max_length=32, editable=False)
    type = models.CharField(
        _("type"), max_length=16, choices=WorkOrderType.choices, default=WorkOrderType.REPAIR
    )
    title = models.CharField(_("title"), max_length=200)
    state = StateField(_("state"), workflow=WORKORDER_WORKFLOW)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    assignee = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    priority = models.CharField(
        _("priority"),
        max_length=16,
        choices=WorkOrderPriority.choices,
        default=WorkOrderPriority.NORMAL,
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    #: Percent done, worked out by ``progress_of`` from the operations and saved in the same
    #: transaction as every change of them (lists and the dashboard read it without a join).
    progress = models.PositiveSmallIntegerField(_("progress"), default=0, editable=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)

    objects: ClassVar[WorkflowManager] = WorkflowManager()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="workorders_number_unique")
        ]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="workorders_tenant_created"),
            models.Index(fields=["tenant", "state", "due_date"], name="workorders_tenant_state"),
            models.Index(fields=["tenant", "assignee"], name="workorders_tenant_assignee"),
            models.Index(fields=["tenant", "completed_at"], name="workorders_tenant_completed"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("workorders:workorder_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.due_date and self.state in OPEN_STATES and self.due_date < timezone.localdate()
        )


class Operation(TenantOwnedModel):
    work_order = models.ForeignKey(
        WorkOrder,
        on_delete=models.CASCADE,
        related_name="operations",
        verbose_name=_("work order"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    planned_hours = _hours(_("planned hours"), null=True, blank=True)
    actual_hours = _hours(_("actual hours"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    # A technician's cached list of orders outlives the ticks of other people's orders.
    list_parent = "work_order"

    class Meta:
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        ordering = ["work_order", "position", "pk"]
        indexes = [
            models.Index(fields=["tenant", "work_order", "position"], name="workorders_op_order")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def assignee_id(self) -> int | None:
        """Whoever the work order is assigned to (the policy's "assigned" rule reads it)."""
        return self.work_order.assignee_id


class WorkOrderPart(TenantOwnedModel):
    """Parts a work order consumed: each one issued from stock by one ledger movement."""

    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="parts", verbose_name=_("work order")
    )
    item = models.ForeignKey(
        "inventory.Item", on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("location"),
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    movement = models.ForeignKey(
        "inventory.StockMovement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("stock movement"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    list_parent = "work_order"

    class Meta:
        verbose_name = _("work order part")
        verbose_name_plural = _("work order parts")
        ordering = ["work_order", "pk"]
        indexes = [models.Index(fields=["tenant", "work_order"], name="workorders_part_order")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_id}"

    @property
    def assignee_id(self) -> int | None:
        """Whoever the work order is assigned to (the policy's "assigned" rule reads it)."""
        return self.work_order.assignee_id


class WorkOrderBit(TenantOwnedModel):
    """A drill bit on a work order (a repair order's bits go back to stock when it is
    completed)."""

    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="bits", verbose_name=_("work order")
    )
    drillbit = models.ForeignKey(
        "drillbits.DrillBit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drill bit"),
    )

    list_parent = "work_order"

    class Meta:
        verbose_name = _("drill bit on a work order")
        verbose_name_plural = _("drill bits on work orders")
        ordering = ["work_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_order", "drillbit"], name="workorders_bit_once_per_order"
            )
        ]
        indexes = [models.Index(fields=["tenant", "drillbit"], name="workorders_bit_tenant")]

    def __str__(self) -> str:
        return f"{self.drillbit_id} on {self.work_order_id}"

    @property
    def assignee_id(self) -> int | None:
        """Whoever the work order is assigned to (the policy's "assigned" rule reads it)."""
        return self.work_order.assignee_id
