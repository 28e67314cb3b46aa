"""The work-order API as a client uses it: the lifecycle with `{"to": state}`, guards and
stock refusals as 400 with their reason, nested operations, and the list's query budget."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.roles.constants import RoleKind
from opsbase.testing.api import token_client
from opsbase.testing.matrix import session_client

API = "/api/v1/work-orders/"


def _move(client, order_id, state):
    return client.post(f"{API}{order_id}/transition/", {"to": state}, format="json")


def test_the_lifecycle_through_the_api(world, stock):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    boss, tech = token_client(manager), token_client(user)
    item, place = stock

    created = boss.post(
        API,
        {
            "title": 'Repair 8½" PDC bit',
            "type": "repair",
            "assignee": user.pk,
            "priority": "high",
            "operations": [
                {"title": "Inspect", "planned_hours": "1"},
                {"title": "Replace cutters", "planned_hours": "3"},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    order = created.json()
    assert order["number"].startswith("WO-")
    assert [o["title"] for o in order["operations"]] == ["Inspect", "Replace cutters"]
    pk = order["id"]

    assert _move(boss, pk, "planned").status_code == 200
    assert _move(boss, pk, "released").status_code == 200
    started = _move(tech, pk, "in_progress")
    assert started.status_code == 200, started.json()

    blocked = _move(tech, pk, "qc")
    assert blocked.status_code == 400
    assert "QC needs every operation done" in blocked.json()["error"]["message"]

    issued = tech.post(
        f"{API}{pk}/parts/",
        {"item": item.pk, "location": place.pk, "quantity": "2"},
        format="json",
    )
    assert issued.status_code == 201, issued.json()
    short = tech.post(
        f"{API}{pk}/parts/",
        {"item": item.pk, "location": place.pk, "quantity": "500"},
        format="json",
    )
    assert short.status_code == 400
    assert "Not enough" in str(short.json()["error"])

    for operation in order["operations"]:
        done = tech.post(f"{API}{pk}/operations/{operation['id']}/done/", {"actual_hours": "2"})
        assert done.status_code == 200, done.json()
        assert done.json()["done"] is True
    assert tech.get(f"{API}{pk}/").json()["progress"] == 100

    assert _move(tech, pk, "qc").status_code == 200
    refused = _move(tech, pk, "completed")
    assert refused.status_code == 403
    completed = _move(boss, pk, "completed")
    assert completed.status_code == 200, completed.json()

    final = completed.json()
    assert final["state"] == "completed"
    assert final["completed_at"] is not None
    assert set(final["state_entered"]) == {
        "draft",
        "planned",
        "released",
        "in_progress",
        "qc",
        "completed",
    }
    assert [p["quantity"] for p in final["parts"]] == ["2.000"]
    assert audit_chain_verify(tenant=world.home).ok
    actions = list(
        AuditEvent.objects.for_tenant(world.home)
        .filter(target_type="workorders.workorder", target_id=str(pk))
        .values_list("action", flat=True)
    )
    for move in ("plan", "release", "start", "send_to_qc", "complete"):
        assert f"workorder.transition.{move}" in actions


def test_a_state_not_reachable_names_the_moves_possible(world, make_order):
    order = make_order(world.members[RoleKind.USER])

    response = _move(token_client(world.members[RoleKind.MANAGER]), order.pk, "completed")

    assert response.status_code == 400
    body = response.json()["error"]
    assert "plan" in body["details"]["allowed"]


def test_release_without_assignee_says_why(world, make_order):
    manager = token_client(world.members[RoleKind.MANAGER])
    order = make_order(world.members[RoleKind.USER], assignee=None)
    _move(manager, order.pk, "planned")

    response = _move(manager, order.pk, "released")

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Release needs an assignee."


def test_a_new_order_refuses_another_organizations_customer(world):
    from opsbase.modules.customers.models import Customer

    foreign = Customer(tenant=world.away, name="Globex client")
    foreign.save()

    response = token_client(world.members[RoleKind.MANAGER]).post(
        API, {"title": "X", "customer": foreign.pk}, format="json"
    )

    assert response.status_code == 400
    assert "customer" in response.json()["error"]["fields"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def test_the_lists_cost_the_same_for_3_or_30_orders(world, make_order):
    manager = world.members[RoleKind.MANAGER]
    page, api = session_client(manager), token_client(manager)
    urls = [("page", "/work-orders/"), ("page", "/work-orders/mine/"), ("api", API)]

    def measure():
        return [_queries(page if kind == "page" else api, url) for kind, url in urls]

    for _ in range(3):
        make_order(world.members[RoleKind.USER])
    measure()  # the session, the token and the caches warm
    few = measure()
    for _ in range(27):
        make_order(world.members[RoleKind.USER])
    many = measure()

    assert many == few
    assert max(few) <= 20, few
