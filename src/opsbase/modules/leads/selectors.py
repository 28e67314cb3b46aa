"""Reads of leads: their row specification, lists scoped to what the role may see, the board,
pipelines, duplicates and the dashboard's figures."""

from __future__ import annotations

import difflib
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.core.exceptions import NotFound
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import Amount, Choice, Date, DateTime, Number, Person, RowSpec, Text
from opsbase.kit.selectors import record_get_for, record_list

from .constants import VIEW, StageKind
from .models import Activity, Lead, LeadForm, LeadMerge, LostReason, Pipeline, Stage
from .permissions import VIEW_PIPELINES

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
    pipelines = Pipeline.objects.for_tenant(membership.tenant_id)
    return policy.scope(membership, VIEW_PIPELINES, pipelines).prefetch_related("stages")


def pipeline_get_for(*, membership: Membership, pk: Any) -> Pipeline:
    return record_get_for(Pipeline, membership=membership, pk=pk, codename=VIEW_PIPELINES)


def pipeline_default(*, tenant_id: int) -> Pipeline:
    """The organization's default pipeline (made with its stages when it has none yet)."""
    found = Pipeline.objects.for_tenant(tenant_id).order_by("-is_default", "pk").first()
    if found is not None:
        return found
    from .services import pipeline_default_create

    return pipeline_default_create(tenant_id=tenant_id)


def stage_list(*, tenant_id: int, pipeline_id: int) -> list[Stage]:
    return list(Stage.objects.for_tenant(tenant_id).filter(pipeline_id=pipeline_id))


def lost_reason_list(*, tenant_id: int) -> QuerySet[LostReason]:
    return LostReason.objects.for_tenant(tenant_id)


def lead_form_list(*, membership: Membership) -> QuerySet[LeadForm]:
    """The organization's web forms, their assignees at hand."""
    forms = LeadForm.objects.for_tenant(membership.tenant_id)
    return forms.prefetch_related("assignees__user")


def lead_form_by_key(*, key: str) -> LeadForm | None:
    """The active public form of *key* (any organization's: the key is the credential)."""
    return (
        LeadForm.objects.unscoped()
        .filter(public_key=key, is_active=True)
        .select_related("tenant", "pipeline")
        .first()
    )


def lead_duplicate_find(lead: Lead) -> Lead | None:
    """Another lead of the organization that is likely the same as *lead* (see below)."""
    same = Q(pk__in=[])
    for name, value in (
        ("email__iexact", lead.email),
        ("phone_e164", lead.phone_e164),
        ("company__iexact", lead.company),
    ):
        if value:
            same |= Q(**{name: value})
    pk = lead_duplicate_index(tenant_id=lead.tenant_id, among=same)(lead)
    return None if pk is None else Lead.objects.for_tenant(lead.tenant_id).get(pk=pk)


def lead_duplicate_index(*, tenant_id: int, among: Q | None = None) -> Any:
    """``find(lead) -> id | None`` over the organization's leads (*among* them), read once:
    the same e-mail (any case), phone number (E.164), or a name 85 % alike at the same
    company; the newest such lead."""
    by_email: dict[str, int] = {}
    by_phone: dict[str, int] = {}
    by_company: dict[str, list[tuple[str, int]]] = {}
    rows = Lead.objects.for_tenant(tenant_id).filter(merged_into=None).order_by("pk")
    if among is not None:
        rows = rows.filter(among)
    for pk, name, email, phone, company in rows.values_list(
        "pk", "name", "email", "phone_e164", "company"
    ):
        if email:
            by_email[email.casefold()] = pk
        if phone:
            by_phone[phone] = pk
        if company:
            by_company.setdefault(company.casefold(), []).append((name.casefold(), pk))

    def find(lead: Lead) -> int | None:
        found = by_email.get(lead.email.casefold()) if lead.email else None
        found = found or (by_phone.get(lead.phone_e164) if lead.phone_e164 else None)
        if found or not lead.company:
            return found
        wanted = lead.name.casefold()
        for name, pk in by_company.get(lead.company.casefold(), [])[-20:]:
            if difflib.SequenceMatcher(None, wanted, name).ratio() >= 0.85:
                return pk
        return None

    return find


def board_columns(*, membership: Membership, pipeline: Pipeline) -> list[dict[str, Any]]:
    """The board: each stage with its count, value sum and leads (two queries)."""
    leads = lead_list(membership=membership).filter(pipeline=pipeline)
    totals: dict[int, dict[str, Any]] = {
        row["stage_id"]: dict(row)
        for row in leads.order_by().values("stage_id").annotate(n=Count("pk"), total=Sum("value"))
    }
    by_stage: dict[int, list[dict[str, Any]]] = {}
    for row in LEAD_ROWS.rows(leads.order_by("-score", "pk")):
        by_stage.setdefault(row["stage_id"], []).append(row)
    return [
        {
            "stage": stage,
            "count": totals.get(stage.pk, {}).get("n", 0),
            "total": totals.get(stage.pk, {}).get("total") or 0,
            "leads": by_stage.get(stage.pk, [])[:50],
        }
        for stage in pipeline.stages.all()
    ]


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
