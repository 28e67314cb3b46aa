"""The NCR API and the seed-004 integration flow through it: an NCR raised on a work order,
disposition rework, the rework order created and completed, the NCR closed."""

from decimal import Decimal

from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.inventory.models import StockBalance
from opsbase.modules.workorders.services import workorder_create
from opsbase.testing.api import token_client

API = "/api/v1/ncrs/"


def _complete(client, order_id, assignee_id):
    wo = f"/api/v1/work-orders/{order_id}/"
    assert client.patch(wo, {"assignee": assignee_id}, format="json").status_code == 200
    added = client.post(f"{wo}operations/", {"title": "Re-mill pockets"}, format="json")
    assert added.status_code == 201, added.json()
    for state in ("planned", "released", "in_progress"):
        moved = client.post(f"{wo}transition/", {"to": state}, format="json")
        assert moved.status_code == 200, moved.json()
    done = client.post(f"{wo}operations/{added.json()['id']}/done/", {}, format="json")
    assert done.status_code == 200, done.json()
    for state in ("qc", "completed"):
        moved = client.post(f"{wo}transition/", {"to": state}, format="json")
        assert moved.status_code == 200, moved.json()


def test_ncr_on_a_work_order_reworked_and_closed(world, make_inspector):
    manager = world.members[RoleKind.MANAGER]
    order = workorder_create(membership=manager, title="Repair 8½ PDC bit")
    raiser, signer = make_inspector(), make_inspector()
    qc, boss = token_client(raiser), token_client(manager)

    raised = qc.post(
        API,
        {
            "title": "Cutter pockets oversize",
            "severity": "major",
            "work_order": order.pk,
            "quantity_inspected": "1",
            "quantity_nonconforming": "1",
            "containment": "Bit quarantined",
            "corrective_action": "Recalibrate the fixture",
        },
        format="json",
    )
    assert raised.status_code == 201, raised.json()
    ncr = raised.json()
    url = f"{API}{ncr['id']}/"
    assert ncr["number"].startswith("NCR-") and ncr["state"] == "open"
    assert ncr["corrective_task"] is not None

    assert qc.post(f"{url}transition/", {"to": "investigating"}, format="json").status_code == 200
    blocked = qc.post(f"{url}transition/", {"to": "disposition"}, format="json")
    assert blocked.status_code == 400
    assert "root cause" in blocked.json()["error"]["message"]
    whys = {"why_1": "Pockets oversize", "why_2": "Fixture moved", "why_3": "Clamps loose"}
    assert qc.patch(url, whys, format="json").status_code == 200
    assert qc.post(f"{url}transition/", {"to": "disposition"}, format="json").status_code == 200

    reworked = qc.post(f"{url}dispositions/", {"kind": "rework"}, format="json")
    assert reworked.status_code == 201, reworked.json()
    rework_order = reworked.json()["work_order"]
    assert reworked.json()["work_order_number"].startswith("WO-")

    early = token_client(signer).post(f"{url}transition/", {"to": "closed"}, format="json")
    assert early.status_code == 400
    assert "rework order" in early.json()["error"]["message"]

    _complete(boss, rework_order, raiser.pk)
    closed = token_client(signer).post(f"{url}transition/", {"to": "closed"}, format="json")

    assert closed.status_code == 200, closed.json()
    body = closed.json()
    assert body["state"] == "closed" and body["closed_at"]
    assert [d["kind"] for d in body["dispositions"]] == ["rework"]
    assert audit_chain_verify(tenant=world.home).ok


def test_scrap_of_stock_through_the_api_shows_in_the_ledger(world, make_ncr, stock):
    manager = world.members[RoleKind.MANAGER]
    item, place = stock
    client = token_client(manager)
    ncr = make_ncr(
        manager, item=item, location=place, quantity_inspected=4, quantity_nonconforming=2
    )
    url = f"{API}{ncr.pk}/"
    client.patch(url, {"why_1": "Wrong grade delivered"}, format="json")
    for state in ("investigating", "disposition"):
        assert client.post(f"{url}transition/", {"to": state}, format="json").status_code == 200

    scrapped = client.post(f"{url}dispositions/", {"kind": "scrap"}, format="json")
    refused = client.post(f"{url}dispositions/", {"kind": "scrap", "quantity": "99"}, format="json")

    assert scrapped.status_code == 201, scrapped.json()
    assert refused.status_code == 400
    assert "quantity" in refused.json()["error"]["fields"]
    balance = StockBalance.objects.for_tenant(manager.tenant_id).get(item=item, location=place)
    assert balance.quantity == Decimal("8")


def test_bad_input_is_a_400_with_field_errors(world, make_ncr):
    client = token_client(world.members[RoleKind.MANAGER])

    missing = client.post(API, {"severity": "major"}, format="json")
    bad = client.post(
        API, {"title": "x", "severity": "huge", "quantity_inspected": "-1"}, format="json"
    )
    no_subject = client.post(API, {"title": "Loose cutter"}, format="json")

    assert missing.status_code == 400 and "title" in missing.json()["error"]["fields"]
    assert bad.status_code == 400
    assert {"severity", "quantity_inspected"} <= set(bad.json()["error"]["fields"])
    assert no_subject.status_code == 400 and "subject_text" in no_subject.json()["error"]["fields"]


def test_the_list_filters_by_state_and_severity(world, make_ncr):
    manager = world.members[RoleKind.MANAGER]
    critical = make_ncr(manager, severity="critical")
    make_ncr(manager, severity="minor")
    client = token_client(manager)

    rows = client.get(f"{API}?severity=critical&state=open").json()["results"]

    assert [row["id"] for row in rows] == [critical.pk]
    assert client.get(f"{API}?severity=huge").status_code == 400


def test_another_organizations_ncr_answers_404(world, make_ncr):
    foreign = make_ncr(world.away_members[RoleKind.ADMIN])
    client = token_client(world.members[RoleKind.ADMIN])

    assert client.get(f"{API}{foreign.pk}/").status_code == 404
    assert client.post(f"{API}{foreign.pk}/dispositions/", {"kind": "scrap"}).status_code == 404
