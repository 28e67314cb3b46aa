"""The cost of poor quality, as far as the records hold it: what the stock ledger scrapped,
and what NCR dispositions sent to rework, scrap and back to vendors, over the last 30 days.

The stock ledger keeps quantities, not money (an item has no unit cost), so the card counts
units and actions; it turns into a value once items carry a cost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.kernel.tenants.models import Membership
from opsbase.kit.caching import counts_cached
from opsbase.modules.inventory.constants import MovementKind
from opsbase.modules.inventory.models import StockMovement

from .constants import VIEW, DispositionKind
from .models import Disposition

WINDOW_DAYS = 30


def poor_quality_counts(*, membership: Membership) -> dict[str, int]:
    """Scrap in the ledger and NCR dispositions of the last ``WINDOW_DAYS`` days."""
    since = timezone.localdate() - dt.timedelta(days=WINDOW_DAYS)
    scrap = (
        StockMovement.objects.for_tenant(membership.tenant_id)
        .filter(kind=MovementKind.SCRAP, effective_date__gte=since)
        .aggregate(n=Count("pk"), units=Sum("quantity"))
    )
    dispositions = (
        Disposition.objects.for_tenant(membership.tenant_id)
        .filter(created_at__date__gte=since)
        .aggregate(
            rework=Count("pk", filter=Q(kind=DispositionKind.REWORK)),
            scrap=Count("pk", filter=Q(kind=DispositionKind.SCRAP)),
            returned=Count("pk", filter=Q(kind=DispositionKind.RETURN_TO_VENDOR)),
        )
    )
    units = scrap["units"] or Decimal("0")
    return {
        "scrap_movements": scrap["n"] or 0,
        "scrap_units": int(units.to_integral_value()),
        "rework": dispositions["rework"],
        "scrapped": dispositions["scrap"],
        "returned": dispositions["returned"],
    }


def poor_quality_dashboard_counts(membership: Any) -> list[tuple[object, int, str | None]]:
    """The dashboard's "Cost of poor quality" card (cached per tenant version and day)."""
    counts = counts_cached(
        "quality.cost:counts", membership, VIEW, lambda: poor_quality_counts(membership=membership)
    )
    movements = reverse("inventory:stockmovement_list")
    return [
        (_("Scrap movements (30 days)"), counts["scrap_movements"], f"{movements}?kind=scrap"),
        (_("Units scrapped (30 days)"), counts["scrap_units"], None),
        (_("Rework orders from NCRs"), counts["rework"], None),
        (_("Scrapped by NCRs"), counts["scrapped"], None),
        (_("Returned to vendors"), counts["returned"], None),
    ]
