"""Inventory pages: items (with their stock on hand), locations, and the ledger, where a
movement is posted and never edited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from opsbase.kernel.policy import policy
from opsbase.kit.caching import counts_cached
from opsbase.kit.views import ListPage, Pages, RecordDetailView

from .constants import ISSUE, VIEW
from .entity import COUNTS, ITEMS, LOCATIONS, MOVEMENTS
from .forms import ItemForm, LocationForm, MovementForm, StockCountForm
from .selectors import item_balances, low_stock_balances, quantity_text

# How many low balances the dashboard card names one by one.
CARD_ROWS = 5


class ItemDetail(RecordDetailView):
    """An item, its stock at each location, and a way to post a movement of it."""

    def context(self, obj: Any) -> dict[str, Any]:
        membership = self.request.membership  # type: ignore[attr-defined]
        return {
            **super().context(obj),
            "balances": item_balances(membership=membership, item=obj),
            "may_post": policy.can(membership, ISSUE),
            "movements_url": reverse("inventory:stockmovement_list") + f"?item={obj.pk}",
            "post_url": reverse("inventory:stockmovement_create"),
        }


class ItemPages(Pages):
    entity = ITEMS
    form_class = ItemForm
    detail_view = ItemDetail
    lists = (
        ListPage(
            "item_list",
            "",
            codename=VIEW,
            heading=_("Items"),
            empty_title=_("No items yet."),
            empty_text=_("Items you stock (parts, consumables) show up here."),
            icon="box-seam",
        ),
    )
    import_fields = ("sku", "name", "unit", "low_stock_threshold")


class LocationPages(Pages):
    entity = LOCATIONS
    form_class = LocationForm
    lists = (
        ListPage(
            "location_list",
            "",
            codename=VIEW,
            heading=_("Locations"),
            empty_title=_("No locations yet."),
            empty_text=_("Stores, shelves and vans where stock is kept show up here."),
            icon="geo-alt",
        ),
    )


class NotAllowed(View):
    """A page the ledger does not have: a movement is never edited nor deleted."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseNotAllowed([])


class AppendOnlyPages(Pages):
    """Pages of records that are written once: their edit, delete and bulk pages answer 405."""

    closed_pages: ClassVar[tuple[str, ...]] = ("edit", "delete", "bulk")

    @classmethod
    def urls(cls) -> list[URLPattern]:
        model = cls.entity.model._meta.model_name
        closed = {f"{model}_{page}" for page in cls.closed_pages}
        return [
            path(str(p.pattern), NotAllowed.as_view(), name=p.name) if p.name in closed else p
            for p in super().urls()
        ]


class MovementPages(AppendOnlyPages):
    entity = MOVEMENTS
    form_class = MovementForm
    lists = (
        ListPage(
            "stockmovement_list",
            "",
            codename=VIEW,
            heading=_("Stock movements"),
            empty_title=_("No stock movements yet."),
            empty_text=_("Receipts, issues, transfers and adjustments show up here."),
            icon="arrow-left-right",
        ),
    )


class CountPages(AppendOnlyPages):
    entity = COUNTS
    form_class = StockCountForm
    lists = (
        ListPage(
            "stockcount_list",
            "",
            codename=VIEW,
            heading=_("Stock counts"),
            empty_title=_("No stock counts yet."),
            empty_text=_("Cycle counts, and the adjustments they posted, show up here."),
            icon="clipboard-check",
        ),
    )


def low_stock_counts(membership: Any) -> list[tuple[Any, Any, str | None]]:
    """The dashboard's low-stock card: how many balances are below their threshold, and the
    lowest few (item and location, and what is left there)."""

    def compute() -> dict[str, Any]:
        low = list(
            low_stock_balances(membership=membership).values_list(
                "item_id", "item__sku", "item__unit", "location__code", "quantity"
            )[: CARD_ROWS + 1]
        )
        total = low_stock_balances(membership=membership).count() if len(low) > CARD_ROWS else 0
        return {"rows": low[:CARD_ROWS], "total": total or len(low)}

    counts = counts_cached("inventory.low_stock", membership, VIEW, compute)
    answer: list[tuple[Any, Any, str | None]] = [(_("Below threshold"), counts["total"], None)]
    for item_id, sku, unit, code, quantity in counts["rows"]:
        url = reverse("inventory:item_detail", args=[item_id])
        left = f"{quantity_text(Decimal(quantity).quantize(Decimal('0.001')))} {unit}"
        answer.append((f"{sku} · {code}", left, url))
    return answer
