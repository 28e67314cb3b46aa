"""The role templates: a Technician scans and moves bits and sees the sites; a Production
Manager does everything in sites and drill bits."""

from opsbase.kernel.policy import policy
from opsbase.modules.drillbits.constants import ALL_CODENAMES as BIT_CODENAMES
from opsbase.modules.sites.constants import ALL_CODENAMES as SITE_CODENAMES
from opsbase.testing.api import token_client

from .conftest import site_of


def test_the_templates_hold_the_modules_codenames():
    templates = {t["slug"]: set(t["permissions"]) for t in policy.templates()}

    assert set(BIT_CODENAMES) | set(SITE_CODENAMES) <= templates["production-manager"]
    assert {
        "sites.view_rig",
        "sites.view_well",
        "drillbits.view_drillbit",
        "drillbits.move_drillbit",
        "drillbits.add_bitrun",
    } <= templates["technician"]
    assert (
        not {
            "drillbits.assign_drillbit",
            "drillbits.scrap_drillbit",
            "drillbits.change_drillbit",
            "sites.add_rig",
        }
        & templates["technician"]
    )


def test_a_technician_sees_the_sites_and_bits_but_changes_neither(technician, make_bit):
    rig, _well = site_of(technician.tenant)
    bit = make_bit(technician.tenant)
    client = token_client(technician)

    assert client.get("/api/v1/rigs/").json()["count"] == 1
    assert client.get("/api/v1/wells/").status_code == 200
    assert client.get(f"/api/v1/drill-bits/{bit.pk}/").status_code == 200
    assert client.patch(f"/api/v1/rigs/{rig.pk}/", {"name": "X"}, format="json").status_code == 403
    assert (
        client.patch(f"/api/v1/drill-bits/{bit.pk}/", {"design": "X"}, format="json").status_code
        == 403
    )
    moved = client.post(
        f"/api/v1/drill-bits/{bit.pk}/transition/", {"to": "in_stock"}, format="json"
    )
    assert moved.status_code == 200


def test_a_production_manager_runs_the_whole_workshop(production_manager):
    rig, _well = site_of(production_manager.tenant)
    client = token_client(production_manager)

    created = client.post(
        "/api/v1/drill-bits/",
        {"serial_number": "PM-1", "bit_type": "roller_cone", "size": "12-1/4", "rig": rig.pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    received = client.post(
        f"/api/v1/drill-bits/{pk}/transition/", {"to": "in_stock"}, format="json"
    )
    assert received.status_code == 200
    client.patch(f"/api/v1/drill-bits/{pk}/", {"rig": rig.pk}, format="json")
    for state in ("assigned", "in_field", "returned", "scrapped"):
        answer = client.post(f"/api/v1/drill-bits/{pk}/transition/", {"to": state}, format="json")
        assert answer.status_code == 200, (state, answer.content)
    assert client.get(f"/api/v1/drill-bits/{pk}/").json()["status"] == "scrapped"
    new_rig = client.post(
        "/api/v1/rigs/", {"customer": rig.customer_id, "name": "Explorer II"}, format="json"
    )
    assert new_rig.status_code == 201
