"""Every page and API action of inspections, generated from the declaration, plus starting
one and raising an NCR from a failed one: each role × own / other / foreign inspection
answers as the policy decides (another organization's: 404)."""

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.quality.api import InspectionViewSet
from opsbase.modules.quality.constants import ADD, ADD_INSPECTION, VIEW_INSPECTION
from opsbase.modules.quality.views import InspectionPages
from opsbase.testing.api import token_client
from opsbase.testing.matrix import Case, module_cases

from .conftest import PASSING, qc_version, returned_bit

API = "/api/v1/inspections/"

CASES = [
    case
    for case in module_cases(
        pages=InspectionPages,
        viewset=InspectionViewSet,
        form_data={"notes": "Checked again"},
        api_data={"notes": "Checked again"},
    )
    # Creating needs a form version and a subject of the actor's organization: below.
    if str(case) != "api create"
]


def test_the_generator_walks_every_page_and_action():
    assert {str(case) for case in CASES} == {
        "page inspection_list",
        "page create",
        "page detail",
        "page edit",
        "page edit (post)",
        "page delete",
        "page delete (post)",
        "api list",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
    }


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_page_and_action_answers_as_the_policy_decides(world, make_inspection, case):
    case.check(world, make=make_inspection)


@pytest.fixture
def home_subject(world):
    manager = world.members[RoleKind.MANAGER]
    return {"form_version": qc_version(manager).pk}


def test_creating_answers_as_the_policy_decides(world, make_inspection, home_subject):
    def create(client, obj):
        bit = returned_bit(world, world.home)
        body = {**home_subject, "drill_bit": bit.pk, "answers": PASSING}
        return client.post(API, body, format="json")

    Case("api create", create, (ADD_INSPECTION,), 201, login=token_client, on_object=False).check(
        world, make=make_inspection
    )


@pytest.fixture
def make_failed(make_inspection):
    def make(owner):
        return make_inspection(owner, failed=True)

    return make


RAISE_CASES = [
    Case(
        "api ncr",
        lambda c, o: c.post(f"{API}{o.pk}/ncr/", {"severity": "critical"}, format="json"),
        (VIEW_INSPECTION, ADD),
        201,
        login=token_client,
    ),
    Case(
        "page ncr (post)",
        lambda c, o: c.post(f"/quality/inspections/{o.pk}/ncr/"),
        (VIEW_INSPECTION, ADD),
        302,
    ),
    Case(
        "page detail (failed)",
        lambda c, o: c.get(f"/quality/inspections/{o.pk}/"),
        (VIEW_INSPECTION,),
        200,
        html=True,
    ),
]


@pytest.mark.parametrize("case", RAISE_CASES, ids=str)
def test_raising_an_ncr_answers_as_the_policy_decides(world, make_failed, case):
    case.check(world, make=make_failed)
