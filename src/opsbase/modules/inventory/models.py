"""Inventory: items, locations, the append-only stock-movement ledger, the balances it keeps
per item and location, and the stock counts that correct them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel, check_constraint

from .constants import INBOUND, OUTBOUND, QUANTITY_DIGITS, QUANTITY_PLACES, MovementKind


def _quantity(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, **kwargs
    )


class Item(TenantOwnedModel):
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=16, default="pcs")
    owner = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("Who is told when its stock runs low."),
    )
    allow_negative = models.BooleanField(
        _("allow negative stock"),
        default=False,
        help_text=_("Let issues go below zero (stock used before its receipt is booked)."),
    )
    low_stock_threshold = _quantity(
        _("low-stock threshold"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Below this quantity at a location, the owner is told."),
    )

    # The quantity on hand, when a selector read it (``item_list`` annotates it); a new item
    # has none.
    on_hand = Decimal("0")

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["sku", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "sku"], name="inventory_item_sku_unique")
        ]
        indexes = [models.Index(fields=["tenant", "name"], name="inventory_item_tenant_name")]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:item_detail", args=[self.pk])


class Location(TenantOwnedModel):
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"], name="inventory_location_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:location_detail", args=[self.pk])


class StockMovement(TenantOwnedModel):
    """One line of the ledger. Written once by ``services.movement_post``, never changed."""

    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="movements", verbose_name=_("item")
    )
    from_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    to_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to"),
    )
    quantity = _quantity(_("quantity"), validators=[MinValueValidator(Decimal("0.001"))])
    effective_date = models.DateField(_("effective date"))
    reason = models.TextField(_("reason"), blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=120,
        blank=True,
        help_text=_("What it was for, e.g. a work order."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("posted by"),
    )

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-effective_date", "-pk"]
        constraints = [
            check_constraint(Q(quantity__gt=0), "inventory_movement_quantity_positive"),
            check_constraint(
                (
                    Q(
                        kind__in=sorted(str(k) for k in INBOUND),
                        from_location__isnull=True,
                        to_location__isnull=False,
                    )
                    | Q(
                        kind__in=sorted(str(k) for k in OUTBOUND),
                        from_location__isnull=False,
                        to_location__isnull=True,
                    )
                    | Q(
                        kind=MovementKind.TRANSFER,
                        from_location__isnull=False,
                        to_location__isnull=False,
                    )
                    | (
                        Q(kind=MovementKind.ADJUSTMENT)
                        & (
                            Q(from_location__isnull=True, to_location__isnull=False)
                            | Q(from_location__isnull=False, to_location__isnull=True)
                        )
                    )
                ),
                "inventory_movement_sides",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "-effective_date", "-id"], name="inventory_move_tenant_date"
            ),
            models.Index(fields=["tenant", "item", "-id"], name="inventory_move_tenant_item"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} × {self.item.sku}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError(_("A stock movement cannot be changed; post a correction."))
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("A stock movement cannot be deleted; post a correction."))

    delete.alters_data = True  # type: ignore[attr-defined]

    def get_absolute_url(self) -> str:
        return reverse("inventory:stockmovement_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        has_from, has_to = self.from_location_id is not None, self.to_location_id is not None
        if self.kind in INBOUND:
            if has_from:
                errors["from_location"] = _("A receipt or a return takes no source location.")
            if not has_to:
                errors["to_location"] = _("Choose where the stock goes.")
        elif self.kind in OUTBOUND:
            if not has_from:
                errors["from_location"] = _("Choose where the stock comes from.")
            if has_to:
                errors["to_location"] = _("An issue or a scrap takes no destination.")
        elif self.kind == MovementKind.TRANSFER:
            if not has_from:
                errors["from_location"] = _("Choose where the stock comes from.")
            if not has_to:
                errors["to_location"] = _("Choose where the stock goes.")
            if has_from and self.from_location_id == self.to_location_id:
                errors["to_location"] = _("A transfer goes to another location.")
        elif self.kind == MovementKind.ADJUSTMENT and has_from == has_to:
            errors["to_location"] = _(
                "An adjustment names one location: “to” to add stock, “from” to take it away."
            )
        if errors:
            raise ValidationError(errors)


class StockBalance(TenantOwnedModel):
    """The quantity of an item at a location: the sum of its movements, kept by
    ``movement_post`` in the same transaction, under this row's lock."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="balances", verbose_name=_("item")
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="balances", verbose_name=_("location")
    )
    quantity = _quantity(_("on hand"), default=Decimal("0"))
    low_stock_threshold = _quantity(
        _("low-stock threshold"),
        null=True,
        blank=True,
        help_text=_("This location's own threshold; the item's when empty."),
    )
    last_counted_on = models.DateField(_("last counted"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        ordering = ["item_id", "location_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "item", "location"], name="inventory_balance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity}"


class StockCount(TenantOwnedModel):
    """A cycle count of one item at one location: what was found, what the books said, and
    the adjustment that made them agree (none when they already did)."""

    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="counts", verbose_name=_("item")
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("location")
    )
    counted_quantity = _quantity(_("counted"), validators=[MinValueValidator(Decimal("0"))])
    book_quantity = _quantity(_("on the books"))
    counted_on = models.DateField(_("counted on"))
    reason = models.TextField(_("note"), blank=True)
    adjustment = models.OneToOneField(
        StockMovement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="count",
        verbose_name=_("adjustment"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("counted by"),
    )

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-counted_on", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "item", "location"], name="inventory_count_item_loc")
        ]

    def __str__(self) -> str:
        return f"{self.item.sku} @ {self.location.code}, {self.counted_on.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:stockcount_detail", args=[self.pk])
