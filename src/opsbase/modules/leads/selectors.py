"""Reads of leads: their row specification, lists scoped to what the role may see, the
default pipeline."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from opsbase.kernel.tenants.models import Membership
from opsbase.kit.deals import contact_columns, deal_columns, lost_reason_column, stage_columns
from opsbase.kit.public_forms import TRACKING_FIELDS
from opsbase.kit.rows import Choice, DateTime, Number, RowSpec, Text
from opsbase.kit.selectors import record_get_for, record_list

from .constants import VIEW
from .declarations import LOST_REASONS, PIPELINES
from .models import Lead

LEAD_ROWS = RowSpec(
    Lead,
    columns=[
        Number("id", table=False, detail=False),
        *contact_columns(),
        *stage_columns(),
        Choice("source"),
        *deal_columns(),
        Number("score"),
        lost_reason_column(),
        *[Text(name, table=False, hide_empty=True) for name in (*TRACKING_FIELDS, "referrer")],
        Number("duplicate_of", source="duplicate_of_id", table=False, detail=False, csv=False),
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    sorts={
        "created_at": "created_at",
        "updated_at": "updated_at",
        "name": "name",
        "company": "company",
        "score": "score",
        "value": "value",
        "follow_up": "follow_up",
    },
    default_sort="-created_at",
)
RELATED = ("owner__user", "stage", "lost_reason")


def lead_list(*, membership: Membership) -> QuerySet[Lead]:
    """Leads *membership* may see (merged ones left out), newest first."""
    leads = record_list(Lead, membership=membership, codename=VIEW, related=RELATED)
    return LEAD_ROWS.order(leads.filter(merged_into=None), [LEAD_ROWS.default_sort])


def lead_get_for(*, membership: Membership, pk: Any) -> Lead:
    """Lead *pk* of *membership*'s tenant (404 otherwise, 403 with the reason if not its)."""
    lead = record_get_for(Lead, membership=membership, pk=pk, codename=VIEW, related=RELATED)
    return lead


# The organization's default pipeline (made with its stages when it has none yet), and its
# lost reasons: the kit's reads of the declarations.
pipeline_default = PIPELINES.default
lost_reason_list = LOST_REASONS.list
