"""Conversion of a won lead: a customer only when the customers module offers its hook, and a
follow-up task through the tasks module."""

import pytest

from opsbase.kit.hooks import hook, provide, withdraw
from opsbase.modules.customers.models import Customer
from opsbase.modules.leads.models import Lead
from opsbase.modules.leads.selectors import pipeline_default
from opsbase.modules.leads.services import CUSTOMER_HOOK, lead_move
from opsbase.modules.tasks.models import Task
from opsbase.testing.api import token_client
from opsbase.testing.matrix import session_client


@pytest.fixture
def won(manager, make_lead):
    lead = make_lead(manager, company="Initech", email="ada@initech.test", value=900)
    stage = pipeline_default(tenant_id=manager.tenant_id).stages.get(name="Won")
    return lead_move(membership=manager, lead=lead, stage=stage)


@pytest.fixture
def without_customers():
    """A project without the customers module: its hook is not offered."""
    offered = hook(CUSTOMER_HOOK)
    withdraw(CUSTOMER_HOOK)
    yield
    provide(CUSTOMER_HOOK, offered)


def test_without_the_customers_module_there_is_no_conversion(manager, won, without_customers):
    answer = token_client(manager).post(f"/api/v1/leads/{won.pk}/convert/")
    page = session_client(manager).get(f"/leads/{won.pk}/").content.decode()

    assert answer.status_code == 404
    assert 'data-testid="lead-convert"' not in page
    assert 'data-testid="lead-follow-up"' in page


def test_the_detail_page_offers_the_conversion(manager, won):
    page = session_client(manager).get(f"/leads/{won.pk}/").content.decode()

    assert 'data-testid="lead-convert"' in page


def test_a_won_lead_becomes_one_customer_linked_both_ways(manager, won):
    client = token_client(manager)

    first = client.post(f"/api/v1/leads/{won.pk}/convert/")
    again = client.post(f"/api/v1/leads/{won.pk}/convert/")

    assert first.status_code == 200
    customer = Customer.objects.for_tenant(manager.tenant).get()
    assert first.json() == again.json() == {"customer": f"customers.customer:{customer.pk}"}
    assert (customer.name, customer.contact, customer.email, customer.source) == (
        "Initech",
        "Ada Park",
        "ada@initech.test",
        f"leads.lead:{won.pk}",
    )
    lead = Lead.objects.for_tenant(manager.tenant).get(pk=won.pk)
    assert lead.converted_to == f"customers.customer:{customer.pk}"
    # The customer is in the customers API, where billing and operations find it.
    listed = client.get("/api/v1/customers/").json()["results"]
    assert [row["name"] for row in listed] == ["Initech"]


def test_an_open_lead_is_not_converted(manager, make_lead):
    lead = make_lead(manager)

    answer = token_client(manager).post(f"/api/v1/leads/{lead.pk}/convert/")

    assert answer.status_code == 400
    assert not Customer.objects.for_tenant(manager.tenant).exists()


def test_a_won_lead_spawns_a_follow_up_task_for_its_owner(manager, won):
    answer = token_client(manager).post(
        f"/api/v1/leads/{won.pk}/follow-up/", {"title": "Send the contract"}, format="json"
    )

    assert answer.status_code == 201
    task = Task.objects.for_tenant(manager.tenant).get(pk=answer.json()["task"])
    assert (task.title, task.assignee) == ("Send the contract", manager)
