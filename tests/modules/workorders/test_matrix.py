"""Every page and API action of work orders, generated from the declaration plus the
checklist and parts endpoints: each role × own / other / foreign order (own: assigned to the
actor; other: assigned to another member; foreign: another organization's) answers as the
policy decides, another organization's is 404, and every page passes the HTML checker."""

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.workorders.api import WorkOrderViewSet
from opsbase.modules.workorders.constants import CHANGE, VIEW, WORK
from opsbase.modules.workorders.selectors import operation_list
from opsbase.modules.workorders.services import workorder_transition
from opsbase.modules.workorders.views import WorkOrderPages
from opsbase.testing.api import token_client
from opsbase.testing.matrix import Case, module_cases

from .conftest import manager_of

CASES = module_cases(
    pages=WorkOrderPages,
    viewset=WorkOrderViewSet,
    form_data={"title": "Renamed order", "type": "rebuild", "priority": "high"},
    api_data={"title": "Replaced order", "type": "inspection", "priority": "low"},
)

API = "/api/v1/work-orders/"


def _first_operation(order):
    return operation_list(work_order=order)[0].pk


# Cases on a draft order (planning the checklist).
DRAFT_CASES = [
    Case(
        "api operation add",
        lambda c, o: c.post(f"{API}{o.pk}/operations/", {"title": "Paint"}, format="json"),
        (VIEW, CHANGE),
        201,
        login=token_client,
    ),
    Case(
        "api operation delete",
        lambda c, o: c.delete(f"{API}{o.pk}/operations/{_first_operation(o)}/"),
        (VIEW, CHANGE),
        204,
        login=token_client,
    ),
    Case(
        "page operation add (post)",
        lambda c, o: c.post(f"/work-orders/{o.pk}/operations/", {"title": "Paint"}),
        (VIEW, CHANGE),
        302,
    ),
    Case(
        "api transition to planned",
        lambda c, o: c.post(f"{API}{o.pk}/transition/", {"to": "planned"}, format="json"),
        (VIEW, CHANGE),
        200,
        login=token_client,
    ),
]

# Cases on an order in progress (the work on the floor).
WORKING_CASES = [
    Case(
        "api operation done",
        lambda c, o: c.post(f"{API}{o.pk}/operations/{_first_operation(o)}/done/", {}),
        (VIEW, WORK),
        200,
        login=token_client,
    ),
    Case(
        "api operation hours",
        lambda c, o: c.patch(
            f"{API}{o.pk}/operations/{_first_operation(o)}/",
            {"actual_hours": "2.5"},
            format="json",
        ),
        (VIEW, WORK),
        200,
        login=token_client,
    ),
    Case(
        "page operation work (post)",
        lambda c, o: c.post(
            f"/work-orders/{o.pk}/operations/{_first_operation(o)}/",
            {"done": "on", "actual_hours": "1"},
        ),
        (VIEW, WORK),
        302,
    ),
    Case(
        "api transition hold",
        lambda c, o: c.post(f"{API}{o.pk}/transition/", {"to": "on_hold"}, format="json"),
        (VIEW, WORK),
        200,
        login=token_client,
    ),
    Case(
        "page detail (in progress)",
        lambda c, o: c.get(f"/work-orders/{o.pk}/"),
        (VIEW,),
        200,
        html=True,
    ),
]


def test_the_generator_walks_every_page_and_action():
    assert {str(case) for case in CASES} == {
        "page workorder_list",
        "page workorder_mine",
        "page create",
        "page detail",
        "page edit",
        "page edit (post)",
        "page delete",
        "page delete (post)",
        "page transition plan",
        "api list",
        "api create",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
        "api transition plan",
    }


@pytest.mark.parametrize("case", CASES + DRAFT_CASES, ids=str)
def test_every_page_and_action_answers_as_the_policy_decides(world, make_order, case):
    case.check(world, make=make_order)


@pytest.fixture
def make_started(world, make_order):
    def make(member):
        order = make_order(member)
        manager = manager_of(world, member)
        for move in ("plan", "release", "start"):
            workorder_transition(membership=manager, workorder=order, transition=move)
        return order

    return make


@pytest.mark.parametrize("case", WORKING_CASES, ids=str)
def test_every_action_on_the_floor_answers_as_the_policy_decides(world, make_started, case):
    case.check(world, make=make_started)


def test_parts_answer_as_the_policy_decides(world, make_started, stock):
    item, place = stock
    body = {"item": item.pk, "location": place.pk, "quantity": "1"}
    for name, request, ok in (
        ("api parts", lambda c, o: c.post(f"{API}{o.pk}/parts/", body, format="json"), 201),
        ("page parts (post)", lambda c, o: c.post(f"/work-orders/{o.pk}/parts/", body), 302),
    ):
        login = {"login": token_client} if name.startswith("api") else {}
        Case(name, request, (VIEW, WORK), ok, **login).check(world, make=make_started)


def test_a_technician_sees_and_works_only_on_assigned_orders(world, make_started):
    from opsbase.kernel.roles.services import role_create_from_template
    from opsbase.testing.factories import MembershipFactory, UserFactory

    admin = world.members[RoleKind.ADMIN]
    role = role_create_from_template(membership=admin, slug="technician")
    tech = MembershipFactory(tenant=world.home, role=role, user=UserFactory())
    mine, theirs = make_started(tech), make_started(world.spare)
    client = token_client(tech)

    listed = client.get(API).json()["results"]
    ticked = client.post(f"{API}{mine.pk}/operations/{_first_operation(mine)}/done/", {})
    refused = client.get(f"{API}{theirs.pk}/")
    planned = client.post(f"{API}{mine.pk}/transition/", {"to": "cancelled"}, format="json")

    assert [row["id"] for row in listed] == [mine.pk]
    assert ticked.status_code == 200
    assert refused.status_code == 403
    assert planned.status_code == 403


def test_a_production_manager_works_on_every_order(world, make_started):
    from opsbase.kernel.roles.services import role_create_from_template
    from opsbase.testing.factories import MembershipFactory, UserFactory

    admin = world.members[RoleKind.ADMIN]
    role = role_create_from_template(membership=admin, slug="production-manager")
    boss = MembershipFactory(tenant=world.home, role=role, user=UserFactory())
    theirs = make_started(world.spare)
    client = token_client(boss)

    seen = client.get(f"{API}{theirs.pk}/")
    cancelled = client.post(f"{API}{theirs.pk}/transition/", {"to": "cancelled"}, format="json")
    created = client.post(API, {"title": "New job"}, format="json")

    assert seen.status_code == 200
    assert cancelled.status_code == 200, cancelled.json()
    assert created.status_code == 201, created.json()
