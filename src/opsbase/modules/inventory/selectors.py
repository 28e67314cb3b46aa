"""Reads of inventory: the row specifications of its records, the lists the pages and the
API show, the low-stock balances, and the balances worked out again from the ledger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import (
    Amount,
    Choice,
    Column,
    Date,
    DateTime,
    LongText,
    Number,
    Person,
    RowFormat,
    RowSpec,
    Text,
)
from opsbase.kit.selectors import record_get_for, record_list

from .constants import KIND_BADGES, QUANTITY_DIGITS, QUANTITY_PLACES, VIEW
from .models import Item, Location, StockBalance, StockCount, StockMovement


def quantity_text(value: Decimal) -> str:
    """*value* without trailing zeros: ``12.5``, ``40``."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class Code(Text):
    """A short code (a SKU, a location's code): kept whole, so its column stays narrow."""

    wrap = False


class Flag(Column):
    """A yes/no field: a boolean in the API, "Yes"/"No" on pages and in the CSV."""

    wrap = False

    def api_fields(self) -> dict[str, serializers.Field]:
        return {self.name: serializers.BooleanField(**self._source())}

    def csv_text(self, row: Mapping[str, Any], fmt: RowFormat) -> str:
        return str(_("Yes") if self.value(row) else _("No"))

    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        return conditional_escape(_("Yes") if self.value(row) else _("No"))


_PLACES = Decimal(1).scaleb(-QUANTITY_PLACES)


def _quantized(value: Any) -> Decimal | None:
    # A sum comes back from SQLite without the column's places: every engine answers alike.
    return None if value is None else Decimal(value).quantize(_PLACES)


class Quantity(Amount):
    """A stock quantity: a string with 3 places in the API (``"12.500"``), the number
    without trailing zeros on pages and in the CSV (``12.5``)."""

    wrap = False

    def api_items(self, row: Mapping[str, Any], fmt: RowFormat) -> list[tuple[str, Any]]:
        value = _quantized(self.value(row))
        return [(self.name, None if value is None else str(value))]

    def csv_text(self, row: Mapping[str, Any], fmt: RowFormat) -> str:
        value = _quantized(self.value(row))
        return "" if value is None else quantity_text(value)

    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        value = _quantized(self.value(row))
        if value is None:
            return super().cell(row, fmt)
        return conditional_escape(quantity_text(value))

    def api_fields(self) -> dict[str, serializers.Field]:
        source = self._source()
        source.pop("allow_null", None)
        return {
            self.name: serializers.DecimalField(
                max_digits=QUANTITY_DIGITS,
                decimal_places=QUANTITY_PLACES,
                allow_null=True,
                **source,
            )
        }


_QUANTITY = DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)

ITEM_ROWS = RowSpec(
    Item,
    columns=[
        Number("id", table=False, detail=False),
        Code("sku", testid="sku"),
        Text("name", link=True, detail=False),
        Quantity("on_hand", _("On hand"), td_class="text-md-end"),
        Code("unit"),
        Quantity("low_stock_threshold", _("Low-stock threshold"), table=False),
        Flag("allow_negative", _("Negative stock allowed"), table=False),
        Person("owner", email_key="owner_email", empty=_("Nobody")),
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    sorts={"sku": "sku", "name": "name", "on_hand": "on_hand", "created_at": "created_at"},
    default_sort="sku",
)
ITEM_RELATED = ("owner__user",)

LOCATION_ROWS = RowSpec(
    Location,
    columns=[
        Number("id", table=False, detail=False),
        Code("code"),
        Text("name", link=True, detail=False),
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    sorts={"code": "code", "name": "name", "created_at": "created_at"},
    default_sort="code",
)

MOVEMENT_ROWS = RowSpec(
    StockMovement,
    columns=[
        Number("id", table=False, detail=False),
        Date("effective_date"),
        Choice("kind", badges=KIND_BADGES, label_key="kind_label"),
        Number("item", source="item_id", table=False, detail=False),
        Code("item_sku", _("SKU"), source="item__sku", table=False),
        Text("item_name", _("Item"), source="item__name", link=True),
        Quantity("quantity", td_class="text-md-end"),
        Text("unit", _("Unit"), source="item__unit", api=False, table=False),
        Number("from_location", source="from_location_id", table=False, detail=False),
        Code("from_code", _("From"), source="from_location__code"),
        Number("to_location", source="to_location_id", table=False, detail=False),
        Code("to_code", _("To"), source="to_location__code"),
        Text("reference"),
        LongText("reason"),
        Person("created_by", api_style="object", table=False),
        DateTime("created_at", table=False),
    ],
    sorts={
        "effective_date": "effective_date",
        "created_at": "created_at",
        "kind": "kind",
        "quantity": "quantity",
        "id": "id",
    },
    default_sort="-effective_date",
    title="item_name",
)
MOVEMENT_RELATED = ("item", "from_location", "to_location", "created_by")

BALANCE_ROWS = RowSpec(
    StockBalance,
    columns=[
        Number("id", table=False, detail=False),
        Number("item", source="item_id", table=False, detail=False),
        Code("item_sku", _("SKU"), source="item__sku"),
        Text("item_name", _("Item"), source="item__name"),
        Number("location", source="location_id", table=False, detail=False),
        Code("location_code", _("Location"), source="location__code"),
        Quantity("quantity", _("On hand"), td_class="text-md-end"),
        Quantity("low_stock_threshold", _("Low-stock threshold")),
        Date("last_counted_on"),
        DateTime("updated_at", table=False),
    ],
    sorts={"item": "item__sku", "location": "location__code", "quantity": "quantity"},
    default_sort="item",
)
BALANCE_RELATED = ("item", "location")

COUNT_ROWS = RowSpec(
    StockCount,
    columns=[
        Number("id", table=False, detail=False),
        Date("counted_on"),
        Number("item", source="item_id", table=False, detail=False),
        Code("item_sku", _("SKU"), source="item__sku"),
        Text("item_name", _("Item"), source="item__name", link=True),
        Number("location", source="location_id", table=False, detail=False),
        Code("location_code", _("Location"), source="location__code"),
        Quantity("counted_quantity", td_class="text-md-end"),
        Quantity("book_quantity", td_class="text-md-end"),
        Number("adjustment", source="adjustment_id", table=False, detail=False),
        LongText("reason", _("Note")),
        Person("created_by", api_style="object", td_class="text-body-secondary"),
        DateTime("created_at", table=False),
    ],
    sorts={"counted_on": "counted_on", "created_at": "created_at", "id": "id"},
    default_sort="-counted_on",
    title="item_name",
)
COUNT_RELATED = ("item", "location", "created_by")


# -- items -----------------------------------------------------------------------------------


def _with_on_hand(items: QuerySet[Item]) -> QuerySet[Item]:
    on_hand = Coalesce(Sum("balances__quantity"), Value(Decimal("0")), output_field=_QUANTITY)
    # Item.on_hand is the stand-in of a record read without it (a new item).
    return items.annotate(on_hand=on_hand)  # type: ignore[no-redef]


def item_list(*, membership: Membership) -> QuerySet[Item]:
    """The items of *membership*'s organization with their quantity on hand, by SKU."""
    items = record_list(Item, membership=membership, codename=VIEW, related=ITEM_RELATED)
    return ITEM_ROWS.order(_with_on_hand(items), [ITEM_ROWS.default_sort])


def item_get_for(*, membership: Membership, pk: Any) -> Item:
    """Item *pk* of *membership*'s organization with its quantity on hand (404 otherwise)."""
    item = record_get_for(Item, membership=membership, pk=pk, codename=VIEW, related=ITEM_RELATED)
    totals = StockBalance.objects.for_tenant(membership.tenant_id).filter(item_id=item.pk)
    item.on_hand = totals.aggregate(total=Sum("quantity"))["total"] or Decimal("0")
    return item


def item_balances(*, membership: Membership, item: Item) -> list[StockBalance]:
    """The balances of *item* at each location where it ever was, by location code."""
    return list(
        record_list(StockBalance, membership=membership, codename=VIEW, related=("location",))
        .filter(item_id=item.pk)
        .order_by("location__code", "pk")
    )


# -- movements and balances ------------------------------------------------------------------


def movement_list(*, membership: Membership) -> QuerySet[StockMovement]:
    """The ledger of *membership*'s organization, newest first."""
    moves = record_list(
        StockMovement, membership=membership, codename=VIEW, related=MOVEMENT_RELATED
    )
    return MOVEMENT_ROWS.order(moves, [MOVEMENT_ROWS.default_sort])


def balance_list(*, membership: Membership) -> QuerySet[StockBalance]:
    """Every balance of *membership*'s organization, by item and location."""
    balances = record_list(
        StockBalance, membership=membership, codename=VIEW, related=BALANCE_RELATED
    )
    return BALANCE_ROWS.order(balances, [BALANCE_ROWS.default_sort])


def count_list(*, membership: Membership) -> QuerySet[StockCount]:
    """The stock counts of *membership*'s organization, latest first."""
    counts = record_list(StockCount, membership=membership, codename=VIEW, related=COUNT_RELATED)
    return COUNT_ROWS.order(counts, [COUNT_ROWS.default_sort])


def low_stock_balances(*, membership: Membership) -> QuerySet[StockBalance]:
    """The balances below their low-stock threshold (the location's own, else the item's),
    lowest against it first."""
    threshold = Coalesce(F("low_stock_threshold"), F("item__low_stock_threshold"))
    return (
        record_list(StockBalance, membership=membership, codename=VIEW, related=BALANCE_RELATED)
        .annotate(threshold=threshold)
        .filter(threshold__isnull=False, quantity__lt=F("threshold"))
        .order_by(F("quantity") - F("threshold"), "item__sku", "pk")
    )


def ledger_balances(*, tenant_id: int) -> dict[tuple[int, int], Decimal]:
    """The balance of every item × location worked out from the ledger alone (what came in
    minus what went out), to check the materialized balances against."""
    totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    moves = StockMovement.objects.for_tenant(tenant_id)
    incoming = (
        moves.filter(to_location__isnull=False)
        .values("item_id", "to_location_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    for row in incoming:
        totals[(row["item_id"], row["to_location_id"])] += row["total"]
    outgoing = (
        moves.filter(from_location__isnull=False)
        .values("item_id", "from_location_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    for out in outgoing:
        totals[(out["item_id"], out["from_location_id"])] -= out["total"]
    return dict(totals)


def stored_balances(*, tenant_id: int) -> dict[tuple[int, int], Decimal]:
    """The materialized balances of *tenant_id*, as ``ledger_balances`` answers."""
    rows = StockBalance.objects.for_tenant(tenant_id).values_list(
        "item_id", "location_id", "quantity"
    )
    return {(item, location): quantity for item, location, quantity in rows}


def ledger_disagreements(*, tenant_id: int) -> dict[tuple[int, int], tuple[Decimal, Decimal]]:
    """Every item × location whose stored balance is not what its ledger says:
    ``{(item, location): (stored, ledger)}``; empty when they all agree."""
    ledger, stored = ledger_balances(tenant_id=tenant_id), stored_balances(tenant_id=tenant_id)
    return {
        key: (stored.get(key, Decimal("0")), ledger.get(key, Decimal("0")))
        for key in set(ledger) | set(stored)
        if stored.get(key, Decimal("0")) != ledger.get(key, Decimal("0"))
    }
