import itertools

import pytest
from django.core.cache import cache

from opsbase.core.cache import counting_cache
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.leads.services import lead_create
from opsbase.modules.marketing.models import Campaign
from opsbase.modules.marketing.services import campaign_create, consent_create, mailing_create

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()
    counting_cache().clear()
    yield
    cache.clear()


def manager_of(world, tenant):
    members = world.members if tenant == world.home else world.away_members
    return members[RoleKind.MANAGER]


@pytest.fixture
def campaign(manager):
    return campaign_create(
        membership=manager, name="December newsletter", utm_campaign="dec", budget=500
    )


@pytest.fixture
def make_campaign(world):
    """``make_campaign(owner)``: a campaign of the owner's organization, owned by it."""

    def make(owner, **fields):
        return campaign_create(
            membership=manager_of(world, owner.tenant),
            name=f"Campaign {next(_numbers)}",
            owner=owner,
            **fields,
        )

    return make


@pytest.fixture
def make_mailing(world):
    """``make_mailing(owner)``: a draft e-mail campaign of the owner's organization."""

    def make(owner, **fields):
        manager = manager_of(world, owner.tenant)
        campaign = Campaign.objects.for_tenant(owner.tenant).first() or campaign_create(
            membership=manager, name="Newsletter"
        )
        return mailing_create(
            membership=manager,
            campaign=campaign,
            subject=fields.pop("subject", f"News {next(_numbers)}"),
            body=fields.pop("body", "Hello,\n\nRead https://example.com/news today."),
            site_url="http://testserver/",
            **fields,
        )

    return make


@pytest.fixture
def audience(manager):
    """Three leads of Acme with an address: two consented, one not."""
    leads = [
        lead_create(membership=manager, name=name, email=email)
        for name, email in (
            ("Ann", "ann@example.com"),
            ("Bob", "bob@example.com"),
            ("Cy", "cy@example.com"),
        )
    ]
    for email in ("ann@example.com", "bob@example.com"):
        consent_create(membership=manager, email=email, source="Event sign-up")
    return leads
