"""The demo's marketing: two campaigns (a newsletter and paid search) credited with some of
the demo leads, consent for the leads' addresses, the organization's e-mail settings and a
draft e-mail campaign."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.modules.leads.models import Lead

from .constants import Channel, ConsentStatus
from .models import Campaign, LeadAttribution
from .services import (
    campaign_create,
    consent_create,
    mailing_create,
    marketing_settings_update,
)


def demo_marketing_seed(*, tenant) -> None:
    if Campaign.objects.for_tenant(tenant).exists():
        return
    manager = Membership.objects.for_tenant(tenant).filter(role__kind=RoleKind.MANAGER).first()
    if manager is None:
        return
    today = timezone.localdate()
    newsletter = campaign_create(
        membership=manager,
        name="December newsletter",
        channel=Channel.EMAIL,
        utm_source="news",
        utm_medium="email",
        utm_campaign="dec",
        budget=Decimal("500.00"),
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=10),
    )
    search = campaign_create(
        membership=manager,
        name="Drill bits — paid search",
        channel=Channel.SEARCH,
        utm_source="google",
        utm_medium="cpc",
        utm_campaign="bits-search",
        budget=Decimal("1200.00"),
        starts_on=today - timedelta(days=45),
    )
    marketing_settings_update(
        membership=manager,
        sender_name=f"{tenant.name} news",
        footer=f"{tenant.name}, 1 Harbour Road",
        brand_color="#0d6efd",
        track_engagement=True,
    )
    leads = list(Lead.objects.for_tenant(tenant).exclude(email="").order_by("pk")[:8])
    for index, lead in enumerate(leads):
        consent_create(
            membership=manager,
            email=lead.email,
            status=ConsentStatus.GRANTED,
            source="Web form",
        )
        campaign = (newsletter, search)[index % 2]
        touch = {
            "utm_source": campaign.utm_source,
            "utm_medium": campaign.utm_medium,
            "utm_campaign": campaign.utm_campaign,
            "landing": "/",
            "at": (timezone.now() - timedelta(days=index)).isoformat(),
        }
        if not LeadAttribution.objects.for_tenant(tenant).filter(lead=lead).exists():
            LeadAttribution(
                tenant_id=tenant.pk,
                lead=lead,
                campaign=campaign,
                utm_campaign=campaign.utm_campaign,
                first_touch=touch,
                last_touch=touch,
            ).save()
    mailing_create(
        membership=manager,
        campaign=newsletter,
        subject="What's new in December",
        body="Hello,\n\nOur new PDC range is out: https://example.com/pdc\n\nSee you soon!",
    )
