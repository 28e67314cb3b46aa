"""Reads of leads: their row specification, lists scoped to what the role may see, the board,
pipelines, duplicates and the dashboard's figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.core.exceptions import NotFound
from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import Amount, Choice, Date, DateTime, Number, Person, RowSpec, Text
from opsbase.kit.selectors import record_get_for, record_list

from .constants import VIEW, StageKind
from .declarations import PIPELINES
from .models import Activity, Lead, LeadMerge, LostReason, Pipeline

LEAD_ROWS = RowSpec(
    Lead,
    columns=[
        Number("id", table=False, detail=False),
        Text("name", link=True, detail=False),
        Text("company"),
        Text("email", table=False),
        Text("phone", table=False),
        Number("stage", source="stage_id", table=False, detail=False, csv=False),
        Text("stage_name", _("Stage"), source="stage__name"),
        Number("pipeline", source="pipeline_id", table=False, detail=False, csv=False),
        Choice("source"),
        Amount("value", table_label=_("Value")),
        Text("currency", table=False),
        Person("owner", email_key="owner_email", empty=_("Nobody")),
        Date("follow_up", table_label=_("Follow-up")),
        Number("score"),
        Text(
            "lost_reason_name",
            _("Lost reason"),
            source="lost_reason__name",
            table=False,
            hide_empty=True,
        ),
        *[
            Text(name, table=False, hide_empty=True)
            for name in (
                "utm_source",
                "utm_medium",
                "utm_campaign",
                "utm_term",
                "utm_content",
                "gclid",
                "fbclid",
                "msclkid",
                "referrer",
            )
        ],
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
LOST_REASON_ROWS = RowSpec(
    LostReason,
    columns=[Number("id", table=False, detail=False), Text("name", link=True, detail=False)],
    sorts={"name": "name"},
    default_sort="name",
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


def lead_activities(*, lead: Lead) -> QuerySet[Activity]:
    """The lead's timeline, newest first, authors joined."""
    return (
        Activity.objects.for_tenant(lead.tenant_id).filter(lead=lead).select_related("author__user")
    )


def lead_merge_get(*, membership: Membership, pk: Any) -> LeadMerge:
    """Merge *pk* of the organization (the undo checks the right on the lead kept)."""
    found = LeadMerge.objects.for_tenant(membership.tenant_id).filter(pk=int(pk)).first()
    if found is None:
        raise NotFound()
    return found


def pipeline_list(*, membership: Membership) -> QuerySet[Pipeline]:
    """The organization's pipelines, their stages prefetched."""
    return PIPELINES.list(membership=membership)


def pipeline_default(*, tenant_id: int) -> Pipeline:
    """The organization's default pipeline (made with its stages when it has none yet)."""
    from .services import pipeline_default_create

    pipeline: Pipeline = PIPELINES.default(
        tenant_id=tenant_id, create=lambda: pipeline_default_create(tenant_id=tenant_id)
    )
    return pipeline


def lost_reason_list(*, tenant_id: int) -> QuerySet[LostReason]:
    return LostReason.objects.for_tenant(tenant_id)


def lead_funnel(*, membership: Membership) -> list[tuple[str, int, int]]:
    """The default pipeline's stages in order, with how many leads the member may see are
    in each: ``[(name, stage id, count)]`` (one query for the counts)."""
    pipeline = pipeline_default(tenant_id=membership.tenant_id)
    leads = lead_list(membership=membership).order_by().filter(pipeline=pipeline)
    counts = dict(leads.values_list("stage_id").annotate(n=Count("pk")))
    return [(s.name, s.pk, counts.get(s.pk, 0)) for s in pipeline.stages.all()]


def lead_sources(*, membership: Membership) -> list[tuple[str, int, int, Any]]:
    """Per source: leads, won leads and won value (``[(source, total, won, value)]``), the
    conversion figures marketing's attribution reads."""
    leads = lead_list(membership=membership).order_by()
    won = Q(stage__kind=StageKind.WON)
    rows = leads.values("source").annotate(
        total=Count("pk"), won=Count("pk", filter=won), value=Sum("value", filter=won)
    )
    return [(r["source"], r["total"], r["won"], r["value"] or 0) for r in rows]


def lead_report(*, membership: Membership) -> dict[str, Any]:
    """The dashboard's figures: leads per stage kind, won value, follow-ups due today."""
    leads = lead_list(membership=membership).order_by()
    return leads.aggregate(
        open=Count("pk", filter=Q(stage__kind=StageKind.OPEN)),
        won=Count("pk", filter=Q(stage__kind=StageKind.WON)),
        lost=Count("pk", filter=Q(stage__kind=StageKind.LOST)),
        due=Count("pk", filter=Q(follow_up__lte=timezone.localdate(), stage__kind=StageKind.OPEN)),
    )
