"""A drill bit's whole life through the API: every move by the state to reach, checked against
the role, audited, kept in its time in state; a bad move is a 400 naming the allowed ones."""

from decimal import Decimal

import pytest

from opsbase.core.exceptions import InvalidTransition, PermissionDenied
from opsbase.core.models import StateChange
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.drillbits.services import (
    bitrun_create,
    drillbit_create,
    drillbit_transition,
    drillbit_update,
)
from opsbase.testing.api import token_client

from .conftest import site_of


def move(client, bit, to, **more):
    return client.post(
        f"/api/v1/drill-bits/{bit.pk}/transition/", {"to": to, **more}, format="json"
    )


def test_a_bit_goes_through_its_whole_life_and_every_step_is_audited(manager):
    rig, well = site_of(manager.tenant)
    client = token_client(manager)
    created = client.post(
        "/api/v1/drill-bits/",
        {"serial_number": "PDC-8812", "bit_type": "pdc", "size": "8-1/2", "iadc_code": "m323"},
        format="json",
    )
    assert created.status_code == 201, created.content
    bit = DrillBit.objects.for_tenant(manager.tenant).get()
    assert (bit.status, bit.iadc_code) == ("new", "M323")

    assert move(client, bit, "in_stock").json()["status"] == "in_stock"
    client.patch(f"/api/v1/drill-bits/{bit.pk}/", {"rig": rig.pk, "well": well.pk}, format="json")
    assert move(client, bit, "assigned").json()["status"] == "assigned"
    answer = move(client, bit, "in_field").json()
    assert (answer["status"], answer["rig_name"]) == ("in_field", rig.name)
    assert move(client, bit, "returned").json()["status"] == "returned"
    assert move(client, bit, "repair").json()["status"] == "repair"
    restocked = move(client, bit, "in_stock").json()
    # Back in stock it serves no rig or well any more.
    assert (restocked["status"], restocked["rig"], restocked["well"]) == ("in_stock", None, None)

    bit.refresh_from_db()
    stays = list(
        StateChange.objects.for_tenant(manager.tenant)
        .filter(object_id=str(bit.pk))
        .values_list("to_state", flat=True)
    )
    assert stays == ["new", "in_stock", "assigned", "in_field", "returned", "repair", "in_stock"]
    actions = set(
        AuditEvent.objects.for_tenant(manager.tenant)
        .filter(target_id=str(bit.pk))
        .values_list("action", flat=True)
    )
    assert {
        "create",
        "drillbit.transition.receive",
        "drillbit.transition.assign",
        "drillbit.transition.deploy",
        "drillbit.transition.return",
        "drillbit.transition.repair",
        "drillbit.transition.restock",
    } <= actions
    assert audit_chain_verify(tenant=manager.tenant).ok


def test_a_returned_bit_is_scrapped_with_its_reason(manager, make_bit):
    rig, _well = site_of(manager.tenant)
    bit = make_bit(manager.tenant)
    drillbit_transition(membership=manager, drillbit=bit, transition="receive")
    drillbit_update(membership=manager, drillbit=bit, rig=rig)
    for name in ("assign", "deploy", "return"):
        drillbit_transition(membership=manager, drillbit=bit, transition=name)

    answer = move(token_client(manager), bit, "scrapped", reason="Cutters worn out")

    assert answer.status_code == 200
    stay = StateChange.objects.for_tenant(manager.tenant).filter(object_id=str(bit.pk)).last()
    assert (stay.to_state, stay.data) == ("scrapped", {"reason": "Cutters worn out"})


def test_an_impossible_move_is_a_400_naming_the_allowed_ones(manager, make_bit):
    bit = make_bit(manager.tenant)

    answer = move(token_client(manager), bit, "in_field")

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["details"]["allowed"] == ["receive"]
    assert "receive" in error["message"]


def test_an_unknown_state_is_a_field_error(manager, make_bit):
    answer = move(token_client(manager), make_bit(manager.tenant), "on_the_moon")

    assert answer.status_code == 400
    assert "to" in answer.json()["error"]["fields"]


def test_assigning_needs_a_rig_or_well_first(manager, make_bit):
    bit = make_bit(manager.tenant)
    drillbit_transition(membership=manager, drillbit=bit, transition="receive")

    with pytest.raises(InvalidTransition, match="rig or well"):
        drillbit_transition(membership=manager, drillbit=bit, transition="assign")


def test_a_user_moves_bits_but_cannot_assign_or_scrap_them(manager, user, make_bit):
    rig, _well = site_of(manager.tenant)
    bit = make_bit(manager.tenant)
    drillbit_transition(membership=user, drillbit=bit, transition="receive")
    drillbit_update(membership=manager, drillbit=bit, rig=rig)

    with pytest.raises(PermissionDenied):
        drillbit_transition(membership=user, drillbit=bit, transition="assign")
    answer = move(token_client(user), bit, "assigned")

    assert answer.status_code == 403
    bit.refresh_from_db()
    assert bit.status == "in_stock"


def test_the_serial_number_is_unique_per_organization_only(world, manager, make_bit):
    make_bit(manager.tenant, serial_number="PDC-1")
    make_bit(world.away, serial_number="PDC-2")
    client = token_client(manager)

    taken = client.post(
        "/api/v1/drill-bits/",
        {"serial_number": "pdc-1", "bit_type": "pdc", "size": "8-1/2"},
        format="json",
    )
    free = client.post(
        "/api/v1/drill-bits/",
        {"serial_number": "PDC-2", "bit_type": "pdc", "size": "8-1/2"},
        format="json",
    )

    assert taken.status_code == 400
    assert "serial_number" in taken.json()["error"]["fields"]
    assert free.status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [("size", "8.5"), ("iadc_code", "999"), ("iadc_code", "X323"), ("bit_type", "spoon")],
)
def test_a_size_off_the_list_and_a_malformed_iadc_code_are_field_errors(manager, field, value):
    body = {"serial_number": "PDC-1", "bit_type": "pdc", "size": "8-1/2", field: value}

    answer = token_client(manager).post("/api/v1/drill-bits/", body, format="json")

    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]


def test_another_tenants_rig_is_a_field_error(world, manager, make_bit):
    foreign_rig, _ = site_of(world.away)
    bit = make_bit(manager.tenant)

    answer = token_client(manager).patch(
        f"/api/v1/drill-bits/{bit.pk}/", {"rig": foreign_rig.pk}, format="json"
    )

    assert answer.status_code == 400
    assert "rig" in answer.json()["error"]["fields"]


def test_runs_are_numbered_with_their_footage_and_dull_grade(manager, user, make_bit):
    _rig, well = site_of(manager.tenant)
    bit = make_bit(manager.tenant)
    client = token_client(user)

    first = client.post(
        f"/api/v1/drill-bits/{bit.pk}/runs/",
        {
            "well": well.pk,
            "depth_in": "1500.0",
            "depth_out": "1920.5",
            "hours": "38.5",
            "dull_inner": 1,
            "dull_outer": 2,
            "dull_characteristic": "WT",
            "dull_location": "A",
            "dull_bearing": "X",
            "dull_gauge": "I",
            "dull_other": "NO",
            "dull_reason": "TD",
        },
        format="json",
    )
    bitrun_create(membership=manager, drillbit=bit, well=well, depth_in=Decimal("1920.5"))
    listed = client.get(f"/api/v1/drill-bits/{bit.pk}/runs/").json()

    assert first.status_code == 201, first.content
    assert (first.json()["footage"], first.json()["dull_grade"]) == ("420.5", "1-2-WT-A-X-I-NO-TD")
    assert [(r["number"], r["footage"]) for r in listed] == [(1, "420.5"), (2, None)]


def test_a_run_deeper_out_than_in_and_a_bad_gauge_are_refused(manager, make_bit):
    _rig, well = site_of(manager.tenant)
    bit = make_bit(manager.tenant)
    client = token_client(manager)

    upside_down = client.post(
        f"/api/v1/drill-bits/{bit.pk}/runs/",
        {"well": well.pk, "depth_in": "2000", "depth_out": "1500"},
        format="json",
    )
    gauge = client.post(
        f"/api/v1/drill-bits/{bit.pk}/runs/",
        {"well": well.pk, "dull_gauge": "17/16"},
        format="json",
    )

    assert upside_down.status_code == 400
    assert "depth_out" in upside_down.json()["error"]["fields"]
    assert gauge.status_code == 400
    assert "dull_gauge" in gauge.json()["error"]["fields"]


def test_a_bit_with_a_rig_keeps_the_rig_from_deletion(manager, make_bit):
    rig, _ = site_of(manager.tenant)
    bit = make_bit(manager.tenant)
    drillbit_update(membership=manager, drillbit=bit, rig=rig)

    assert token_client(manager).delete(f"/api/v1/rigs/{rig.pk}/").status_code == 409


def test_a_new_bit_gets_its_own_scan_code(manager):
    one = drillbit_create(membership=manager, serial_number="A", bit_type="pdc", size="6")
    two = drillbit_create(membership=manager, serial_number="B", bit_type="pdc", size="6")

    assert len(one.scan_code) >= 20
    assert one.scan_code != two.scan_code
    assert one.state_entered_at is not None
