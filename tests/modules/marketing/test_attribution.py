"""Closed-loop attribution: a visit's UTM parameters and click ids reach the leads made in
that session (first and last touch), and a campaign's page shows what its leads became: won
deals and paid invoices, against its cost."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.billing.services import invoice_create, invoice_issue, invoice_pay
from opsbase.modules.customers.models import Customer
from opsbase.modules.leads.models import Lead
from opsbase.modules.leads.selectors import pipeline_default
from opsbase.modules.leads.services import lead_convert, lead_create, lead_form_create, lead_move
from opsbase.modules.marketing.models import LeadAttribution
from opsbase.modules.marketing.selectors import campaign_results
from opsbase.modules.marketing.services import campaign_create
from opsbase.testing.api import token_client
from opsbase.testing.matrix import session_client

from .conftest import manager_of


@pytest.fixture
def web_form(manager):
    pipeline = pipeline_default(tenant_id=manager.tenant_id)
    return lead_form_create(
        membership=manager, name="Contact", pipeline=pipeline, assignees=[manager]
    )


def _post(client, form, **extra):
    data = {"name": "Ada Park", "email": "ada@initech.test", "company": "Initech", **extra}
    return client.post(f"/w/{form.public_key}/", data)


def test_a_landing_visit_with_utm_parameters_is_recorded_on_the_web_form_lead(
    client, web_form, campaign, manager
):
    # Given a visitor landing on the site from the newsletter
    client.get("/?utm_source=news&utm_campaign=dec&gclid=G-1")

    # When the visitor later fills the web form (its URL carries no parameters)
    assert _post(client, web_form).status_code == 200

    # Then the lead carries both, and is credited to the campaign
    lead = Lead.objects.for_tenant(manager.tenant).get()
    assert (lead.utm_source, lead.utm_campaign, lead.gclid) == ("news", "dec", "G-1")
    attribution = LeadAttribution.objects.for_tenant(manager.tenant).get(lead=lead)
    assert attribution.campaign == campaign
    assert attribution.first_touch["utm_campaign"] == "dec"
    assert attribution.first_touch["landing"] == "/"


def test_first_and_last_touch_are_both_kept(client, web_form, manager):
    client.get("/?utm_source=google&utm_medium=cpc&utm_campaign=bits&msclkid=M1")
    client.get("/accounts/login/?utm_source=news&utm_campaign=dec&fbclid=F1")

    _post(client, web_form)

    lead = Lead.objects.for_tenant(manager.tenant).get()
    attribution = LeadAttribution.objects.for_tenant(manager.tenant).get(lead=lead)
    assert attribution.first_touch["utm_source"] == "google"
    assert attribution.first_touch["msclkid"] == "M1"
    assert attribution.last_touch["utm_source"] == "news"
    assert attribution.last_touch["fbclid"] == "F1"
    # The lead's own fields are the last touch.
    assert (lead.utm_source, lead.utm_campaign, lead.fbclid, lead.msclkid) == (
        "news",
        "dec",
        "F1",
        "",
    )


def test_the_form_s_own_parameters_win_over_the_session(client, web_form, manager):
    client.get("/?utm_source=news&utm_campaign=dec")

    client.post(
        f"/w/{web_form.public_key}/?utm_source=partner&utm_campaign=spring",
        {"name": "Ada Park", "email": "ada@initech.test"},
    )

    lead = Lead.objects.for_tenant(manager.tenant).get()
    assert (lead.utm_source, lead.utm_campaign) == ("partner", "spring")
    attribution = LeadAttribution.objects.for_tenant(manager.tenant).get(lead=lead)
    assert attribution.first_touch["utm_campaign"] == "dec"
    assert attribution.utm_campaign == "spring"


def test_a_member_s_form_in_a_tracked_session_carries_the_touch(manager, campaign):
    client = session_client(manager)
    client.get("/leads/?utm_source=news&utm_campaign=dec")

    answer = client.post("/leads/new/", {"name": "Walk-in", "source": "manual", "currency": "EUR"})

    assert answer.status_code == 302, answer.content[:2000]
    lead = Lead.objects.for_tenant(manager.tenant).get(name="Walk-in")
    assert lead.utm_campaign == "dec"
    assert LeadAttribution.objects.for_tenant(manager.tenant).get(lead=lead).campaign == campaign


def test_a_visit_without_parameters_writes_no_session_and_leads_stay_unattributed(
    client, web_form, manager
):
    client.get("/")
    assert "sessionid" not in client.cookies

    _post(client, web_form)

    lead = Lead.objects.for_tenant(manager.tenant).get()
    assert lead.utm_campaign == ""
    assert not LeadAttribution.objects.for_tenant(manager.tenant).exists()


def test_a_campaign_made_later_is_credited_with_the_leads_that_named_it(manager):
    lead = lead_create(membership=manager, name="Early", utm_campaign="Spring")

    later = campaign_create(membership=manager, name="Spring", utm_campaign="spring")

    assert campaign_results(campaign=later).leads == 1
    assert LeadAttribution.objects.for_tenant(manager.tenant).get(lead=lead).campaign == later


def test_another_organization_s_campaign_is_never_credited(world, client):
    away = manager_of(world, world.away)
    campaign_create(membership=away, name="Theirs", utm_campaign="dec")
    home = manager_of(world, world.home)
    lead_create(membership=home, name="Ours", utm_campaign="dec")

    attribution = LeadAttribution.objects.for_tenant(world.home).get()
    assert attribution.campaign is None


def test_won_and_paid_revenue_reach_the_campaign_page_end_to_end(
    world, client, web_form, campaign, manager
):
    admin = world.members[RoleKind.ADMIN]
    # Given a lead from the newsletter, through the web form
    client.get("/?utm_source=news&utm_campaign=dec")
    _post(client, web_form)
    lead = Lead.objects.for_tenant(manager.tenant).get()
    lead_create(membership=manager, name="Other", utm_campaign="dec", value=Decimal(300))

    # When it is won, becomes a customer, and that customer pays its invoice
    won = pipeline_default(tenant_id=manager.tenant_id).stages.get(name="Won")
    lead.value = Decimal("1500.00")
    lead.save(update_fields=["value"])
    lead_move(membership=manager, lead=lead, stage=won)
    ref = lead_convert(
        membership=manager, lead=Lead.objects.for_tenant(manager.tenant).get(pk=lead.pk)
    )
    customer = Customer.objects.for_tenant(manager.tenant).get(pk=int(ref.split(":")[1]))
    invoice = invoice_create(
        membership=admin,
        customer=customer,
        lines=[{"description": "PDC bits", "quantity": Decimal(2), "unit_amount": Decimal(600)}],
    )
    invoice_issue(membership=admin, invoice=invoice)
    invoice_pay(membership=admin, invoice=invoice)

    # Then the campaign's page shows its cost, leads, won value, paid revenue and ROI
    page = session_client(manager).get(f"/marketing/{campaign.pk}/").content.decode()
    assert 'data-testid="campaign-leads">2<' in page
    assert 'data-testid="campaign-won-value">1500.00<' in page
    assert 'data-testid="campaign-revenue">1200.00<' in page
    assert 'data-testid="campaign-roi">140.0 %<' in page
    results = token_client(manager).get(f"/api/v1/campaigns/{campaign.pk}/results/").json()
    assert results == {
        "cost": "500.00",
        "leads": 2,
        "won": 1,
        "won_value": "1500.00",
        "customers": 1,
        "paid_revenue": "1200.00",
        "roi": "140.0",
    }


def test_a_campaign_s_results_cost_three_queries_however_many_leads(manager, campaign):
    for n in range(5):
        lead_create(membership=manager, name=f"Lead {n}", utm_campaign="dec")

    with CaptureQueriesContext(connection) as queries:
        results = campaign_results(campaign=campaign)

    assert results.leads == 5
    assert len(queries) == 3


def test_the_campaign_page_has_a_query_budget(manager, campaign, django_assert_max_num_queries):
    for n in range(5):
        lead_create(membership=manager, name=f"Lead {n}", utm_campaign="dec")
    client = session_client(manager)
    client.get(f"/marketing/{campaign.pk}/")  # warm the session and caches

    with django_assert_max_num_queries(20):
        answer = client.get(f"/marketing/{campaign.pk}/")

    assert answer.status_code == 200
