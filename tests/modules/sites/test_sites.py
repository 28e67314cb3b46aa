"""Rigs and wells: reference data of a customer, written by the kit's plain services; every
page and API action answers as the policy decides, another tenant's customer is refused."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.audit.models import AuditEvent
from opsbase.modules.customers.models import Customer
from opsbase.modules.customers.services import customer_create
from opsbase.modules.sites.api import RigViewSet, WellViewSet
from opsbase.modules.sites.models import Rig, Well
from opsbase.modules.sites.services import rig_create, well_create
from opsbase.modules.sites.views import RigPages, WellPages
from opsbase.testing.api import token_client
from opsbase.testing.matrix import module_cases, session_client


@pytest.fixture
def acme_customer(world):
    return Customer.objects.create(tenant=world.home, name="Northwind Drilling")


def _customer_of(tenant):
    found = Customer.objects.for_tenant(tenant).first()
    return found or Customer.objects.create(tenant=tenant, name=f"Customer of {tenant.name}")


# Filled with the Acme customer's id in each test (the lambdas read these very dicts).
RIG_FORM = {"name": "Renamed rig", "location": "Block 9"}
RIG_API = {"name": "Replaced rig", "location": "Block 10"}
WELL_FORM = {"name": "Renamed well", "field": "Brage", "depth_m": "3450.5"}
WELL_API = {"name": "Replaced well", "field": "Brage", "depth_m": "3460.0"}
RIG_CASES = module_cases(pages=RigPages, viewset=RigViewSet, form_data=RIG_FORM, api_data=RIG_API)
WELL_CASES = module_cases(
    pages=WellPages, viewset=WellViewSet, form_data=WELL_FORM, api_data=WELL_API
)


def test_the_generator_walks_every_page_and_action():
    for cases, name in ((RIG_CASES, "rig_list"), (WELL_CASES, "well_list")):
        assert {str(case) for case in cases} >= {
            f"page {name}",
            "page create",
            "page detail",
            "page edit",
            "page edit (post)",
            "page delete",
            "page delete (post)",
            "api list",
            "api create",
            "api retrieve",
            "api update",
            "api partial_update",
            "api destroy",
        }


@pytest.mark.parametrize("case", RIG_CASES, ids=str)
def test_every_rig_page_and_action_answers_as_the_policy_decides(world, acme_customer, case):
    for body in (RIG_FORM, RIG_API):
        body["customer"] = acme_customer.pk
    case.check(
        world,
        make=lambda owner: Rig.objects.create(
            tenant=owner.tenant, customer=_customer_of(owner.tenant), name="Explorer"
        ),
    )


@pytest.mark.parametrize("case", WELL_CASES, ids=str)
def test_every_well_page_and_action_answers_as_the_policy_decides(world, acme_customer, case):
    for body in (WELL_FORM, WELL_API):
        body["customer"] = acme_customer.pk
    case.check(
        world,
        make=lambda owner: Well.objects.create(
            tenant=owner.tenant, customer=_customer_of(owner.tenant), name="NW-1"
        ),
    )


def test_a_well_is_created_audited_with_its_depth_as_a_decimal(manager, acme_customer):
    answer = token_client(manager).post(
        "/api/v1/wells/",
        {"customer": acme_customer.pk, "name": "NW-14A", "field": "Brage", "depth_m": "3450.5"},
        format="json",
    )

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["customer"], body["customer_name"], body["depth_m"]) == (
        acme_customer.pk,
        "Northwind Drilling",
        "3450.5",
    )
    well = Well.objects.for_tenant(manager.tenant).get()
    assert str(well.depth_m) == "3450.5"
    assert (
        AuditEvent.objects.for_tenant(manager.tenant)
        .filter(target_id=str(well.pk), action="create")
        .exists()
    )


def test_another_tenants_customer_is_a_field_error(world, manager):
    globex_customer = Customer.objects.create(tenant=world.away, name="Globex Oil")

    answer = token_client(manager).post(
        "/api/v1/rigs/", {"customer": globex_customer.pk, "name": "Explorer"}, format="json"
    )
    page = session_client(manager).post(
        "/sites/rigs/new/", {"customer": globex_customer.pk, "name": "Explorer"}
    )

    assert answer.status_code == 400
    assert "customer" in answer.json()["error"]["fields"]
    assert page.status_code == 400
    assert not Rig.objects.for_tenant(manager.tenant).exists()


def test_bad_coordinates_and_a_negative_depth_are_field_errors(manager, acme_customer):
    client = token_client(manager)

    rig = client.post(
        "/api/v1/rigs/",
        {"customer": acme_customer.pk, "name": "Explorer", "latitude": "91"},
        format="json",
    )
    well = client.post(
        "/api/v1/wells/",
        {"customer": acme_customer.pk, "name": "NW-1", "depth_m": "-3"},
        format="json",
    )

    assert rig.status_code == 400 and "latitude" in rig.json()["error"]["fields"]
    assert well.status_code == 400 and "depth_m" in well.json()["error"]["fields"]


def test_a_customer_with_rigs_is_not_deleted(manager, acme_customer):
    rig_create(membership=manager, customer=acme_customer, name="Explorer")

    answer = token_client(manager).delete(f"/api/v1/customers/{acme_customer.pk}/")

    assert answer.status_code == 409


def test_a_user_sees_sites_but_cannot_add_them(user, acme_customer):
    client = token_client(user)

    assert client.get("/api/v1/rigs/").status_code == 200
    assert client.get("/api/v1/wells/").status_code == 200
    refused = client.post(
        "/api/v1/rigs/", {"customer": acme_customer.pk, "name": "Explorer"}, format="json"
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("pages", "api", "create"),
    [
        ("/sites/rigs/", "/api/v1/rigs/", rig_create),
        ("/sites/wells/", "/api/v1/wells/", well_create),
    ],
)
def test_the_lists_cost_the_same_for_3_or_30_sites(manager, pages, api, create):
    client = session_client(manager)
    customers = [customer_create(membership=manager, name=f"Company {n}") for n in range(3)]

    def cost(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for n in range(3):
        create(membership=manager, customer=customers[n % 3], name=f"Site {n}")
    client.get(pages)
    few = [cost(pages), cost(api)]
    for n in range(3, 30):
        create(membership=manager, customer=customers[n % 3], name=f"Site {n}")

    assert [cost(pages), cost(api)] == few
