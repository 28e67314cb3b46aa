"""The demo's stock: a workshop's stores, parts and consumables, received and partly used."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.demo import demo_members

from .models import Item
from .services import (
    item_create,
    location_create,
    movement_post,
    stock_count_post,
    stock_threshold_set,
)

DEMO_LOCATIONS = (
    ("MAIN", "Main store"),
    ("SHOP", "Workshop floor"),
    ("VAN-1", "Service van 1"),
)
# (sku, name, unit, low-stock threshold, received into the main store)
DEMO_ITEMS = (
    ("PDC-CUT-13", "PDC cutter 13 mm", "pcs", "50", "240"),
    ("NOZ-12", "Nozzle 12/32", "pcs", "20", "80"),
    ("BRG-6205", "Bearing 6205", "pcs", "10", "40"),
    ("SEAL-OR-45", "O-ring seal 45 mm", "pcs", "25", "30"),
    ("HF-WIRE", "Hardfacing wire", "kg", "15", "62.5"),
    ("THR-DOPE", "Thread compound", "l", "5", "12"),
    ("PAINT-RED", "Marking paint, red", "l", "2", "6"),
)


def demo_inventory_seed(*, tenant) -> None:
    """Locations, items and their movements in *tenant*: receipts a month ago, transfers to
    the workshop, issues to jobs, one scrap and one count; an item or two below threshold.
    Only for a tenant without items, so re-running the demo adds nothing."""
    if Item.objects.for_tenant(tenant).exists():
        return
    members = demo_members(tenant)
    manager = members[RoleKind.MANAGER]
    user = members.get(RoleKind.USER, manager)
    today = timezone.localdate()
    places = {
        code: location_create(membership=manager, code=code, name=name)
        for code, name in DEMO_LOCATIONS
    }
    for n, (sku, name, unit, threshold, received) in enumerate(DEMO_ITEMS):
        item = item_create(
            membership=manager,
            sku=sku,
            name=name,
            unit=unit,
            owner=manager,
            low_stock_threshold=Decimal(threshold),
        )
        movement_post(
            membership=manager,
            kind="receipt",
            item=item,
            quantity=received,
            to_location=places["MAIN"],
            effective_date=today - timedelta(days=30),
            reference=f"PO-{tenant.slug.upper()}-{1040 + n}",
        )
        moved = (Decimal(received) / 4).quantize(Decimal("1"))
        movement_post(
            membership=manager,
            kind="transfer",
            item=item,
            quantity=moved,
            from_location=places["MAIN"],
            to_location=places["SHOP"],
            effective_date=today - timedelta(days=20),
        )
        # The workshop floor keeps only what the jobs of the week need.
        stock_threshold_set(membership=manager, item=item, location=places["SHOP"], threshold=1)
        movement_post(
            membership=user,
            kind="issue",
            item=item,
            quantity=max(moved - 2, Decimal("1")),
            from_location=places["SHOP"],
            effective_date=today - timedelta(days=10 - n),
            reference=f"Job {300 + n}",
            notify=False,
        )
        if sku == "SEAL-OR-45":
            movement_post(
                membership=manager,
                kind="scrap",
                item=item,
                quantity=3,
                from_location=places["MAIN"],
                reason="Cracked in storage",
                notify=False,
            )
        if sku == "BRG-6205":
            stock_count_post(
                membership=manager,
                item=item,
                location=places["MAIN"],
                counted_quantity=Decimal(received) - moved - 1,
                counted_on=today - timedelta(days=5),
                reason="Cycle count: one missing",
            )
