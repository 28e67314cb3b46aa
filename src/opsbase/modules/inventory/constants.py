"""Choices of inventory: the kinds of stock movement, which side of the ledger each one
touches, and the permission each one needs."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW = "inventory.view"
MANAGE = "inventory.manage"
ISSUE = "inventory.issue"
ADJUST = "inventory.adjust"

# Quantities: up to 99,999,999,999.999 of a unit (metres, litres, pieces).
QUANTITY_DIGITS = 14
QUANTITY_PLACES = 3
ZERO = Decimal("0")


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue")
    TRANSFER = "transfer", _("Transfer")
    ADJUSTMENT = "adjustment", _("Adjustment")
    SCRAP = "scrap", _("Scrap")
    RETURN = "return", _("Return")


# Which locations a kind names: "to" only (stock comes in), "from" only (stock goes out),
# both (a transfer), or exactly one of them (an adjustment up or down).
INBOUND = frozenset({MovementKind.RECEIPT, MovementKind.RETURN})
OUTBOUND = frozenset({MovementKind.ISSUE, MovementKind.SCRAP})

# The permission a movement of each kind needs (besides seeing inventory).
KIND_CODENAMES = {
    MovementKind.RECEIPT: MANAGE,
    MovementKind.TRANSFER: MANAGE,
    MovementKind.SCRAP: MANAGE,
    MovementKind.ISSUE: ISSUE,
    MovementKind.RETURN: ISSUE,
    MovementKind.ADJUSTMENT: ADJUST,
}

KIND_BADGES = {
    MovementKind.RECEIPT: "text-bg-success",
    MovementKind.ISSUE: "text-bg-primary",
    MovementKind.TRANSFER: "text-bg-info",
    MovementKind.ADJUSTMENT: "text-bg-warning",
    MovementKind.SCRAP: "text-bg-danger",
    MovementKind.RETURN: "text-bg-secondary",
}
