"""Inventory API: ``/api/v1/items/``, ``/locations/``, ``/stock-movements/`` (posted, never
changed: PUT, PATCH and DELETE answer 405) and ``/stock-balances/`` (read only)."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.kit.api import TenantModelViewSet

from .entity import BALANCES, COUNTS, ITEMS, LOCATIONS, MOVEMENTS
from .selectors import BALANCE_ROWS, balance_list
from .serializers import (
    BalanceSerializer,
    ItemSerializer,
    LocationSerializer,
    MovementSerializer,
    StockCountSerializer,
)


class ItemViewSet(TenantModelViewSet):
    """Items of the caller's organization, with their quantity on hand."""

    entity = ITEMS
    serializer_class = ItemSerializer
    example = {
        "id": 12,
        "sku": "BRG-6205",
        "name": "Bearing 6205",
        "on_hand": "40.000",
        "unit": "pcs",
        "low_stock_threshold": "10.000",
        "allow_negative": False,
        "owner": 7,
        "owner_email": "stores@acme.test",
        "created_at": "2025-06-01T09:30:00Z",
        "updated_at": "2025-06-02T14:05:00Z",
    }
    create_example = {"sku": "BRG-6205", "name": "Bearing 6205", "low_stock_threshold": "10"}
    invalid_example = {"sku": ["Another item already has this SKU."]}
    docs = {
        "destroy": {
            "summary": "Delete an item that never moved",
            "description": "An item with stock movements answers 409.",
        }
    }

    @extend_schema(
        summary="Stock of an item at each location", responses=BalanceSerializer(many=True)
    )
    @action(detail=True, methods=["get"])
    def balances(self, request: Any, pk: Any = None) -> Response:
        item = self.get_object()
        balances = balance_list(membership=request.membership).filter(item_id=item.pk)
        rows = BALANCE_ROWS.rows(balances)
        return Response(BALANCE_ROWS.api_rows(rows))


class LocationViewSet(TenantModelViewSet):
    """Places where the caller's organization keeps stock."""

    entity = LOCATIONS
    serializer_class = LocationSerializer
    example = {
        "id": 3,
        "code": "MAIN",
        "name": "Main store",
        "created_at": "2025-06-01T09:30:00Z",
        "updated_at": "2025-06-01T09:30:00Z",
    }
    create_example = {"code": "VAN-1", "name": "Service van 1"}
    invalid_example = {"code": ["Another location already has this code."]}


class StockMovementViewSet(TenantModelViewSet):
    """The stock ledger of the caller's organization."""

    entity = MOVEMENTS
    serializer_class = MovementSerializer
    http_method_names: ClassVar[list[str]] = ["get", "post", "head", "options"]  # type: ignore[misc]
    example = {
        "id": 901,
        "effective_date": "2025-06-02",
        "kind": "issue",
        "kind_label": "Issue",
        "item": 12,
        "item_sku": "BRG-6205",
        "item_name": "Bearing 6205",
        "quantity": "2.000",
        "from_location": 3,
        "from_code": "MAIN",
        "to_location": None,
        "to_code": None,
        "reference": "workorders.workorder:12",
        "reason": "",
        "created_by": {"id": 5, "email": "tech@acme.test"},
        "created_at": "2025-06-02T10:00:00Z",
    }
    create_example = {
        "kind": "issue",
        "item": 12,
        "from_location": 3,
        "quantity": "2",
        "reference": "workorders.workorder:12",
    }
    invalid_example = {
        "quantity": [
            "Not enough BRG-6205 Bearing 6205 at MAIN Main store: 1 pcs available, 2 pcs asked."
        ]
    }
    docs = {
        "create": {
            "summary": "Post a stock movement",
            "description": "Receipt and return name `to_location`; issue and scrap "
            "`from_location`; a transfer both; an adjustment one of them. Stock never goes "
            "below zero unless the item allows it (400 naming the quantity available). A "
            "date before the last stock count needs `inventory.adjust` and a `reason`. "
            "Movements are never changed: post a correction.",
        }
    }


class StockBalanceViewSet(TenantModelViewSet):
    """The stock of each item at each location (read only: movements change it)."""

    entity = BALANCES
    serializer_class = BalanceSerializer
    http_method_names: ClassVar[list[str]] = ["get", "head", "options"]  # type: ignore[misc]


class StockCountViewSet(TenantModelViewSet):
    """Cycle counts: creating one posts the adjustment that makes the books agree."""

    entity = COUNTS
    serializer_class = StockCountSerializer
    http_method_names: ClassVar[list[str]] = ["get", "post", "head", "options"]  # type: ignore[misc]
    create_example = {"item": 12, "location": 3, "counted_quantity": "38", "reason": "Q2 count"}
    docs = {
        "create": {
            "summary": "Record a stock count",
            "description": "Needs `inventory.adjust`. When the count differs from the books, "
            "an adjustment is posted (its id in `adjustment`); movements dated before the "
            "count then need `inventory.adjust` and a reason.",
        }
    }
