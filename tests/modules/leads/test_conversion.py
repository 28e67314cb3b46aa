"""Conversion of a won lead: a billing customer only when billing offers its hook, and a
follow-up task through the tasks module."""

import pytest

from opsbase.kit.hooks import provide, withdraw
from opsbase.modules.leads.models import Lead
from opsbase.modules.leads.selectors import pipeline_default
from opsbase.modules.leads.services import lead_move
from opsbase.modules.tasks.models import Task
from opsbase.testing.api import token_client
from opsbase.testing.matrix import session_client


@pytest.fixture
def won(manager, make_lead):
    lead = make_lead(manager, company="Initech", value=900)
    stage = pipeline_default(tenant_id=manager.tenant_id).stages.get(name="Won")
    return lead_move(membership=manager, lead=lead, stage=stage)


@pytest.fixture
def billing():
    """A stand-in for the billing module: its hook, recording the customers it makes."""
    made = []

    def customer_create(**fields):
        made.append(fields)
        return Task(pk=len(made))  # any model instance: its label and pk make the reference

    provide("billing.customer_create", customer_create)
    yield made
    withdraw("billing.customer_create")


def test_without_billing_there_is_no_conversion(manager, won):
    answer = token_client(manager).post(f"/api/v1/leads/{won.pk}/convert/")
    page = session_client(manager).get(f"/leads/{won.pk}/").content.decode()

    assert answer.status_code == 404
    assert 'data-testid="lead-convert"' not in page
    assert 'data-testid="lead-follow-up"' in page


def test_with_billing_the_detail_page_offers_the_conversion(manager, won, billing):
    page = session_client(manager).get(f"/leads/{won.pk}/").content.decode()

    assert 'data-testid="lead-convert"' in page


def test_with_billing_a_won_lead_becomes_a_customer_linked_both_ways(manager, won, billing):
    client = token_client(manager)

    first = client.post(f"/api/v1/leads/{won.pk}/convert/")
    again = client.post(f"/api/v1/leads/{won.pk}/convert/")

    assert first.status_code == 200
    assert first.json() == again.json() == {"customer": "tasks.task:1"}
    assert billing == [
        {
            "membership": manager,
            "name": "Initech",
            "email": "",
            "phone": "",
            "contact": "Ada Park",
            "source": f"leads.lead:{won.pk}",
        }
    ]
    assert Lead.objects.for_tenant(manager.tenant).get(pk=won.pk).converted_to == "tasks.task:1"


def test_an_open_lead_is_not_converted(manager, make_lead, billing):
    lead = make_lead(manager)

    answer = token_client(manager).post(f"/api/v1/leads/{lead.pk}/convert/")

    assert answer.status_code == 400
    assert billing == []


def test_a_won_lead_spawns_a_follow_up_task_for_its_owner(manager, won):
    answer = token_client(manager).post(
        f"/api/v1/leads/{won.pk}/follow-up/", {"title": "Send the contract"}, format="json"
    )

    assert answer.status_code == 201
    task = Task.objects.for_tenant(manager.tenant).get(pk=answer.json()["task"])
    assert (task.title, task.assignee) == ("Send the contract", manager)
