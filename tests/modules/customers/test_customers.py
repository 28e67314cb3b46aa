"""Customers: one record per company shared by billing, operations and leads, written by the
kit's plain services; every page and API action answers as the policy decides."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.audit.models import AuditEvent
from opsbase.modules.billing.models import Invoice
from opsbase.modules.customers.api import CustomerViewSet
from opsbase.modules.customers.models import Customer
from opsbase.modules.customers.services import customer_create
from opsbase.modules.customers.views import CustomerPages
from opsbase.testing.api import token_client
from opsbase.testing.matrix import module_cases, session_client

CASES = module_cases(
    pages=CustomerPages,
    viewset=CustomerViewSet,
    form_data={"name": "Renamed customer", "currency": "USD"},
    api_data={"name": "Replaced customer", "currency": "GBP"},
)


def test_the_generator_walks_every_page_and_action():
    assert {str(case) for case in CASES} >= {
        "page customer_list",
        "page create",
        "page detail",
        "page edit (post)",
        "page delete (post)",
        "api list",
        "api create",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
    }


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_page_and_action_answers_as_the_policy_decides(world, case):
    # A customer has no owner: made straight in the owner's organization.
    case.check(
        world,
        make=lambda owner: Customer.objects.create(
            tenant=owner.tenant, name=f"Customer of {owner.user.email}"
        ),
    )


def test_a_user_sees_no_customers_by_default(user):
    assert token_client(user).get("/api/v1/customers/").status_code == 403


def test_a_customer_is_created_audited_and_a_bad_currency_is_a_field_error(manager):
    client = token_client(manager)

    refused = client.post(
        "/api/v1/customers/", {"name": "Initech", "currency": "XYZ"}, format="json"
    )
    created = client.post(
        "/api/v1/customers/", {"name": " Initech ", "currency": "JPY"}, format="json"
    )

    assert refused.status_code == 400
    assert "currency" in refused.json()["error"]["fields"]
    assert created.status_code == 201
    customer = Customer.objects.for_tenant(manager.tenant).get()
    assert (customer.name, customer.currency) == ("Initech", "JPY")
    assert (
        AuditEvent.objects.for_tenant(manager.tenant)
        .filter(target_id=str(customer.pk), action="create")
        .exists()
    )


def test_a_customer_with_invoices_is_not_deleted(manager):
    customer = customer_create(membership=manager, name="Initech")
    Invoice.objects.create(
        tenant=manager.tenant, customer=customer, currency="EUR", issue_date=date(2026, 1, 5)
    )

    answer = token_client(manager).delete(f"/api/v1/customers/{customer.pk}/")

    assert answer.status_code == 409
    assert Customer.objects.for_tenant(manager.tenant).filter(pk=customer.pk).exists()


def test_the_list_costs_the_same_for_3_or_30_customers(manager):
    client = session_client(manager)

    def cost(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for n in range(3):
        customer_create(membership=manager, name=f"Company {n}")
    client.get("/customers/")
    few = [cost("/customers/"), cost("/api/v1/customers/")]
    for n in range(3, 30):
        customer_create(membership=manager, name=f"Company {n}")

    assert [cost("/customers/"), cost("/api/v1/customers/")] == few
