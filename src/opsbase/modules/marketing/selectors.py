"""Reads of marketing: the row specifications, a campaign's closed-loop results (cost,
leads, won value, paid revenue, ROI), an e-mail campaign's audience and counts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import (
    Choice,
    Date,
    DateTime,
    LongText,
    Money,
    Number,
    Person,
    RowSpec,
    State,
    Text,
)
from opsbase.modules.billing.models import Invoice
from opsbase.modules.customers.models import Customer
from opsbase.modules.leads.constants import StageKind
from opsbase.modules.leads.models import Lead

from .constants import (
    CONSENT_BADGES,
    STATE_BADGES,
    Audience,
    ConsentStatus,
    LeadSegment,
    RecipientStatus,
)
from .models import Campaign, Consent, LeadAttribution, Mailing, MarketingSettings, Recipient

CAMPAIGN_ROWS = RowSpec(
    Campaign,
    columns=[
        Number("id", table=False, detail=False),
        Text("name", link=True, detail=False),
        Choice("channel", label_key="channel_label"),
        Text("utm_source", table=False),
        Text("utm_medium", table=False),
        Text("utm_campaign"),
        Money("budget"),
        Text("currency", table=False),
        Date("starts_on"),
        Date("ends_on", table=False),
        Person("owner", email_key="owner_email", empty=_("Nobody")),
        LongText("notes"),
        DateTime("created_at", table=False),
    ],
    sorts={"name": "name", "created_at": "created_at", "starts_on": "starts_on"},
    default_sort="-created_at",
)

MAILING_ROWS = RowSpec(
    Mailing,
    columns=[
        Number("id", table=False, detail=False),
        Text("subject", link=True, detail=False),
        Number("campaign", source="campaign_id", table=False, detail=False),
        Text("campaign_name", _("Campaign"), source="campaign__name"),
        Choice("audience", label_key="audience_label"),
        Choice("segment", table=False, label_key="segment_label"),
        State("state", badges=STATE_BADGES, label_key="state_label"),
        LongText("body"),
        Person("owner", email_key="owner_email", table=False, empty=_("Nobody")),
        DateTime("started_at", table=False),
        DateTime("finished_at", table=False),
        DateTime("created_at"),
    ],
    sorts={"created_at": "created_at", "subject": "subject", "state": "state"},
    default_sort="-created_at",
)

CONSENT_ROWS = RowSpec(
    Consent,
    columns=[
        Number("id", table=False, detail=False),
        Text("email", link=True, detail=False),
        Choice("status", badges=CONSENT_BADGES, label_key="status_label"),
        Text("source"),
        DateTime("updated_at", _("Changed")),
    ],
    sorts={"email": "email", "updated_at": "updated_at"},
    default_sort="email",
)


# -- closed-loop attribution ------------------------------------------------------------------
@dataclass(frozen=True)
class CampaignResults:
    cost: Decimal
    leads: int
    won: int
    won_value: Decimal
    customers: int
    paid_revenue: Decimal
    #: (paid revenue − cost) / cost, in percent; None without a cost.
    roi: Decimal | None


def campaign_leads(campaign: Campaign) -> QuerySet[Lead]:
    """The leads attributed to *campaign* (merged duplicates left out)."""
    ids = LeadAttribution.objects.for_tenant(campaign.tenant_id).filter(campaign=campaign)
    return Lead.objects.for_tenant(campaign.tenant_id).filter(
        pk__in=ids.values("lead_id"), merged_into=None
    )


def campaign_results(*, campaign: Campaign) -> CampaignResults:
    """Campaign → leads → won deals → paid invoices of the customers those deals became:
    what the campaign cost and brought (three queries)."""
    leads = campaign_leads(campaign).aggregate(
        leads=Count("pk"),
        won=Count("pk", filter=Q(stage__kind=StageKind.WON)),
        won_value=Sum("value", filter=Q(stage__kind=StageKind.WON)),
    )
    # A won lead converted to a customer is that customer's source ("leads.lead:<id>"). The
    # references are made here, not in SQL: a concatenation's collation differs from the
    # column's on MariaDB, which then refuses the comparison.
    lead_ids = (
        LeadAttribution.objects.for_tenant(campaign.tenant_id)
        .filter(campaign=campaign)
        .values_list("lead_id", flat=True)
    )
    refs = [f"leads.lead:{pk}" for pk in lead_ids]
    customers = Customer.objects.for_tenant(campaign.tenant_id).filter(source__in=refs)
    paid = (
        Invoice.objects.for_tenant(campaign.tenant_id)
        .filter(customer__in=customers.values("pk"))
        .aggregate(paid=Sum("amount_paid"), customers=Count("customer_id", distinct=True))
    )
    cost = campaign.budget or Decimal(0)
    revenue = paid["paid"] or Decimal(0)
    roi = ((revenue - cost) / cost * 100).quantize(Decimal("0.1")) if cost else None
    return CampaignResults(
        cost=cost,
        leads=leads["leads"],
        won=leads["won"],
        won_value=leads["won_value"] or Decimal(0),
        customers=paid["customers"],
        paid_revenue=revenue,
        roi=roi,
    )


def campaign_lead_rows(*, campaign: Campaign, limit: int = 20) -> list[Any]:
    """The campaign's latest leads, with their stage (one query)."""
    return list(
        campaign_leads(campaign)
        .order_by("-created_at", "-pk")
        .values("pk", "name", "company", "stage__name", "stage__kind", "value")[:limit]
    )


def campaign_mailings(*, campaign: Campaign) -> list[Mailing]:
    return list(Mailing.objects.for_tenant(campaign.tenant_id).filter(campaign=campaign))


# -- e-mail campaigns -------------------------------------------------------------------------
def settings_of(tenant_id: int) -> MarketingSettings:
    """The organization's campaign e-mail settings (the defaults until it saves its own)."""
    found = MarketingSettings.objects.for_tenant(tenant_id).first()
    return found or MarketingSettings(tenant_id=tenant_id)


def consented_emails(tenant_id: int) -> QuerySet[Consent]:
    return Consent.objects.for_tenant(tenant_id).filter(status=ConsentStatus.GRANTED)


def mailing_audience(mailing: Mailing) -> list[tuple[str, str, str]]:
    """(e-mail, name, source) of every address the mailing goes to: the segment's leads or
    the customers, whose address consented; one per address (two queries)."""
    consented = {
        e.lower() for e in consented_emails(mailing.tenant_id).values_list("email", flat=True)
    }
    rows: QuerySet[Any, tuple[str, str, int]]
    if mailing.audience == Audience.CUSTOMERS:
        rows = (
            Customer.objects.for_tenant(mailing.tenant_id)
            .exclude(email="")
            .order_by("pk")
            .values_list("email", "contact", "pk")
        )
        label = "customers.customer"
    else:
        leads = (
            Lead.objects.for_tenant(mailing.tenant_id).filter(merged_into=None).exclude(email="")
        )
        kinds: dict[str, str] = {
            LeadSegment.OPEN: StageKind.OPEN,
            LeadSegment.WON: StageKind.WON,
            LeadSegment.LOST: StageKind.LOST,
        }
        kind = kinds.get(mailing.segment)
        if kind is not None:
            leads = leads.filter(stage__kind=kind)
        rows = leads.order_by("pk").values_list("email", "name", "pk")
        label = "leads.lead"
    seen: set[str] = set()
    audience = []
    for email, name, pk in rows:
        address = email.strip().lower()
        if address in consented and address not in seen:
            seen.add(address)
            audience.append((address, name or "", f"{label}:{pk}"))
    return audience


def mailing_counts(*, mailing: Mailing) -> dict[str, int]:
    """How many recipients are waiting, sent, suppressed, failed; opened, clicked,
    unsubscribed (one query)."""
    recipients = Recipient.objects.for_tenant(mailing.tenant_id).filter(mailing=mailing)
    counts = recipients.aggregate(
        total=Count("pk"),
        **{s.value: Count("pk", filter=Q(status=s.value)) for s in RecipientStatus},
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
        unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
    )
    return {k: v or 0 for k, v in counts.items()}


def recipient_for_token(*, tenant_id: int, pk: int) -> Recipient | None:
    return Recipient.objects.for_tenant(tenant_id).filter(pk=pk).select_related("mailing").first()


def mailing_finish_blocker(mailing: Mailing, membership: Membership) -> str | None:
    """Sending ends by itself once no message waits (the last batch takes this move)."""
    waiting = Recipient.objects.for_tenant(mailing.tenant_id).filter(
        mailing_id=mailing.pk, status=RecipientStatus.PENDING
    )
    if waiting.exists():
        return str(_("Messages are still waiting; sending ends by itself."))
    return None


def mailing_sender(mailing: Mailing) -> Membership | None:
    """Who the background sending acts as: the campaign's owner while it may send, else the
    organization's first active Admin."""
    from opsbase.kernel.policy import policy
    from opsbase.kernel.roles.constants import RoleKind

    from .constants import SEND

    owner = mailing.owner
    if owner is not None and owner.is_active and policy.can(owner, SEND, mailing):
        return owner
    return (
        Membership.objects.for_tenant(mailing.tenant_id)
        .filter(is_active=True, role__kind=RoleKind.ADMIN)
        .select_related("role", "user")
        .order_by("pk")
        .first()
    )
