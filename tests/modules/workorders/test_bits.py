"""Drill bits on work orders: a repair order's bits follow it through their own workflow, in
the same transaction; the seed-004 flow "create WO → add bit → assign → start → complete →
bit back in stock" through the API."""

import pytest

from opsbase.core.exceptions import PermissionDenied, ValidationError
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.workflows import state_history
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.drillbits.services import drillbit_transition, drillbit_update
from opsbase.modules.workorders.selectors import operation_list
from opsbase.modules.workorders.services import (
    bit_add,
    operation_update,
    workorder_transition,
)
from opsbase.testing.api import token_client
from opsbase.testing.matrix import Case

API = "/api/v1/work-orders/"


def _site_of(tenant):
    from opsbase.modules.customers.models import Customer
    from opsbase.modules.sites.models import Rig

    customer = Customer.objects.for_tenant(tenant).first() or Customer.objects.create(
        tenant=tenant, name=f"{tenant.name} Drilling"
    )
    return Rig.objects.for_tenant(tenant).first() or Rig.objects.create(
        tenant=tenant, customer=customer, name=f"{tenant.name} Explorer"
    )


_serials = iter(range(1, 100_000))


@pytest.fixture
def returned_bit(world):
    """``returned_bit(tenant)``: a bit back from the field, moved there through its workflow."""

    def make(tenant=None):
        tenant = tenant or world.home
        manager = (
            world.members[RoleKind.MANAGER]
            if tenant.pk == world.home.pk
            else world.away_members[RoleKind.MANAGER]
        )
        bit = DrillBit.objects.create(
            tenant=tenant,
            serial_number=f"RB-{next(_serials):05d}",
            bit_type="pdc",
            size="8-1/2",
        )
        drillbit_transition(membership=manager, drillbit=bit, transition="receive")
        drillbit_update(membership=manager, drillbit=bit, rig=_site_of(tenant))
        for move in ("assign", "deploy", "return"):
            drillbit_transition(membership=manager, drillbit=bit, transition=move)
        return bit

    return make


def _move(client, pk, state):
    return client.post(f"{API}{pk}/transition/", {"to": state}, format="json")


def test_the_seed_004_flow_through_the_api(world, returned_bit):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    boss, tech = token_client(manager), token_client(user)
    bit = returned_bit()

    # Create WO
    created = boss.post(
        API,
        {"title": "Repair after run", "type": "repair", "operations": [{"title": "Rebuild"}]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    # Add DrillBit
    added = boss.post(f"{API}{pk}/bits/", {"drillbit": bit.pk}, format="json")
    assert added.status_code == 201, added.json()
    # Assign User
    assigned = boss.patch(f"{API}{pk}/", {"assignee": user.pk}, format="json")
    assert assigned.status_code == 200, assigned.json()
    assert _move(boss, pk, "planned").status_code == 200
    assert _move(boss, pk, "released").status_code == 200
    # Start: the bit goes to repair with it
    started = _move(tech, pk, "in_progress")
    assert started.status_code == 200, started.json()
    assert started.json()["bits"][0]["status"] == "repair"
    operation = started.json()["operations"][0]["id"]
    assert tech.post(f"{API}{pk}/operations/{operation}/done/", {}).status_code == 200
    assert _move(tech, pk, "qc").status_code == 200
    # Complete: the bit is back in stock
    completed = _move(boss, pk, "completed")
    assert completed.status_code == 200, completed.json()

    bit.refresh_from_db()
    assert bit.status == "in_stock"
    assert completed.json()["bits"][0]["status"] == "in_stock"
    assert [s.to_state for s in state_history(bit)][-2:] == ["repair", "in_stock"]
    assert audit_chain_verify(tenant=world.home).ok
    bit_actions = set(
        AuditEvent.objects.for_tenant(world.home)
        .filter(target_type="drillbits.drillbit", target_id=str(bit.pk))
        .values_list("action", flat=True)
    )
    assert {"drillbit.transition.repair", "drillbit.transition.restock"} <= bit_actions


def test_a_bit_scrapped_during_the_repair_stays_scrapped(world, make_order, returned_bit):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    bit = returned_bit()
    order = make_order(user, type="repair")
    bit_add(membership=manager, work_order=order, drillbit=bit)
    for move in ("plan", "release"):
        workorder_transition(membership=manager, workorder=order, transition=move)
    workorder_transition(membership=user, workorder=order, transition="start")
    for operation in operation_list(work_order=order):
        operation_update(membership=user, work_order=order, operation=operation, done=True)
    workorder_transition(membership=user, workorder=order, transition="send_to_qc")
    bit.refresh_from_db()
    drillbit_transition(membership=manager, drillbit=bit, transition="scrap")

    workorder_transition(membership=manager, workorder=order, transition="complete")

    bit.refresh_from_db()
    assert order.state == "completed"
    assert bit.status == "scrapped"


def test_a_repair_order_takes_only_bits_back_from_the_field(world, make_order):
    manager = world.members[RoleKind.MANAGER]
    order = make_order(world.members[RoleKind.USER], type="repair")
    fresh = DrillBit.objects.create(
        tenant=world.home, serial_number="NEW-1", bit_type="pdc", size="8-1/2"
    )

    with pytest.raises(ValidationError, match="returned from the field"):
        bit_add(membership=manager, work_order=order, drillbit=fresh)


def test_a_bit_is_on_one_open_order_at_a_time(world, make_order, returned_bit):
    manager = world.members[RoleKind.MANAGER]
    bit = returned_bit()
    first, second = make_order(world.spare), make_order(world.spare)
    bit_add(membership=manager, work_order=first, drillbit=bit)

    with pytest.raises(ValidationError, match=first.number):
        bit_add(membership=manager, work_order=second, drillbit=bit)


def test_another_organizations_bit_is_unknown(world, make_order, returned_bit):
    foreign = returned_bit(world.away)
    order = make_order(world.members[RoleKind.USER])

    with pytest.raises(ValidationError, match="your organization"):
        bit_add(membership=world.members[RoleKind.MANAGER], work_order=order, drillbit=foreign)


def test_the_assignee_cannot_add_bits(world, make_order, returned_bit):
    user = world.members[RoleKind.USER]
    order = make_order(user)

    with pytest.raises(PermissionDenied):
        bit_add(membership=user, work_order=order, drillbit=returned_bit())


def test_bit_endpoints_answer_as_the_policy_decides(world, make_order, returned_bit):
    from opsbase.modules.workorders.constants import CHANGE, VIEW

    def add(c, o):
        return c.post(f"{API}{o.pk}/bits/", {"drillbit": returned_bit().pk}, format="json")

    Case("api bits add", add, (VIEW, CHANGE), 201, login=token_client).check(world, make=make_order)

    def with_bit(member):
        order = make_order(member)
        manager = (
            world.members[RoleKind.MANAGER]
            if member.tenant_id == world.home.pk
            else world.away_members[RoleKind.MANAGER]
        )
        bit = returned_bit(world.home if member.tenant_id == world.home.pk else world.away)
        bit_add(membership=manager, work_order=order, drillbit=bit)
        order.bit_id = bit.pk
        return order

    Case(
        "api bits remove",
        lambda c, o: c.delete(f"{API}{o.pk}/bits/{o.bit_id}/"),
        (VIEW, CHANGE),
        204,
        login=token_client,
    ).check(world, make=with_bit)
    Case(
        "page bits remove (post)",
        lambda c, o: c.post(f"/work-orders/{o.pk}/bits/{o.bit_id}/remove/"),
        (VIEW, CHANGE),
        302,
    ).check(world, make=with_bit)
    Case(
        "page bits add (post)",
        lambda c, o: c.post(f"/work-orders/{o.pk}/bits/", {"drillbit": returned_bit().pk}),
        (VIEW, CHANGE),
        302,
    ).check(world, make=make_order)


def test_the_detail_page_lists_the_bits_in_words(world, make_order, returned_bit):
    from opsbase.testing.html import html_problems
    from opsbase.testing.matrix import session_client

    manager = world.members[RoleKind.MANAGER]
    order = make_order(world.members[RoleKind.USER], type="repair")
    bit = returned_bit()
    returned_bit()  # another one the form offers
    bit_add(membership=manager, work_order=order, drillbit=bit)

    response = session_client(manager).get(f"/work-orders/{order.pk}/")

    html = response.content.decode()
    assert html.count('data-testid="workorder-bit"') == 1
    assert bit.serial_number in html
    assert 'data-testid="workorder-bit-add"' in html
    assert not html_problems(response.content)
