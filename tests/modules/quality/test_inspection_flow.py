"""The seed-004 integration flow, through the API as a QC Inspector and a Manager use it:
an inspection of a work order at QC fails → the order cannot be completed (409 with the
reason) → an NCR is raised from the inspection → disposition rework → the rework order is
worked (parts from stock) and completed → the first order completes → the NCR is closed by
another inspector. The ledger, the work orders and the audit chain tell the same story."""

from decimal import Decimal

from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.inventory.models import StockBalance, StockMovement
from opsbase.testing.api import token_client

from .conftest import FAILING, order_in_qc, qc_version

WO = "/api/v1/work-orders/"


def _ok(response, code=200):
    assert response.status_code == code, response.json()
    return response.json()


def test_inspection_fails_ncr_rework_completed_ncr_closed(world, make_inspector, stock):
    manager = world.members[RoleKind.MANAGER]
    item, place = stock
    order = order_in_qc(world, world.home)
    version = qc_version(manager)
    inspector, signer = make_inspector(), make_inspector()
    qc, boss, other_qc = token_client(inspector), token_client(manager), token_client(signer)

    # The inspection at the order's QC step fails: torque above its tolerance.
    inspection = _ok(
        qc.post(
            "/api/v1/inspections/",
            {"form_version": version.pk, "work_order": order.pk, "answers": FAILING},
            format="json",
        ),
        201,
    )
    assert inspection["result"] == "fail"
    assert set(inspection["flags"]) == {"torque"}
    assert inspection["answers"]["signature"]["url"].startswith("/forms/filled/")

    # The order cannot leave QC: 409 with the reason.
    blocked = boss.post(f"{WO}{order.pk}/transition/", {"to": "completed"}, format="json")
    assert blocked.status_code == 409
    assert inspection["number"] in blocked.json()["error"]["message"]

    # An NCR from the failed inspection, its context filled in.
    ncr = _ok(qc.post(f"/api/v1/inspections/{inspection['id']}/ncr/", {}, format="json"), 201)
    assert ncr["work_order"] == order.pk and ncr["state"] == "open"
    assert "Make-up torque" in ncr["description"]
    assert _ok(qc.get(f"/api/v1/inspections/{inspection['id']}/"))["ncr"] == ncr["id"]

    # Investigated, then disposition rework: a rework work order.
    url = f"/api/v1/ncrs/{ncr['id']}/"
    _ok(qc.post(f"{url}transition/", {"to": "investigating"}, format="json"))
    _ok(qc.patch(url, {"why_1": "Torque wrench out of calibration"}, format="json"))
    _ok(qc.post(f"{url}transition/", {"to": "disposition"}, format="json"))
    disposition = _ok(
        qc.post(f"{url}dispositions/", {"kind": "rework", "notes": "Re-torque"}, format="json"),
        201,
    )
    rework = disposition["work_order"]
    assert rework and rework != order.pk

    # Closing waits for the rework order.
    early = other_qc.post(f"{url}transition/", {"to": "closed"}, format="json")
    assert early.status_code == 400
    assert disposition["work_order_number"] in early.json()["error"]["message"]

    # The rework order is worked: a part issued from stock, its checklist done, completed.
    rework_url = f"{WO}{rework}/"
    _ok(boss.patch(rework_url, {"assignee": manager.pk}, format="json"))
    operation = _ok(
        boss.post(f"{rework_url}operations/", {"title": "Re-torque"}, format="json"), 201
    )
    for state in ("planned", "released", "in_progress"):
        _ok(boss.post(f"{rework_url}transition/", {"to": state}, format="json"))
    _ok(
        boss.post(
            f"{rework_url}parts/",
            {"item": item.pk, "location": place.pk, "quantity": "2"},
            format="json",
        ),
        201,
    )
    _ok(boss.post(f"{rework_url}operations/{operation['id']}/done/", {}, format="json"))
    for state in ("qc", "completed"):
        _ok(boss.post(f"{rework_url}transition/", {"to": state}, format="json"))

    # The first order now completes: the NCR raised from its inspection has a disposition.
    assert (
        _ok(boss.post(f"{WO}{order.pk}/transition/", {"to": "completed"}, format="json"))["state"]
        == "completed"
    )

    # The inspector who raised the NCR cannot sign it off; another one closes it.
    refused = qc.post(f"{url}transition/", {"to": "closed"}, format="json")
    closed = _ok(other_qc.post(f"{url}transition/", {"to": "closed"}, format="json"))
    assert refused.status_code == 403
    assert closed["state"] == "closed" and closed["closed_at"]

    # The ledger: the rework order's part left the store.
    balance = StockBalance.objects.for_tenant(world.home).get(item=item, location=place)
    assert balance.quantity == Decimal("8")
    issue = StockMovement.objects.for_tenant(world.home).filter(kind="issue", item=item).get()
    assert issue.quantity == Decimal("2")
    # The work orders: both completed.
    assert _ok(boss.get(f"{WO}{rework}/"))["state"] == "completed"
    assert _ok(boss.get(f"{WO}{order.pk}/"))["state"] == "completed"
    # And the audit chain verifies.
    assert audit_chain_verify(tenant=world.home).ok
