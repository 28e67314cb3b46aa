"""Scanning a drill bit's QR label on a phone (390 px): a Technician signs in, sees the bit
and only the moves of their role as large buttons, takes one; Globex's member gets 404."""

import pytest
from django.apps import apps
from playwright.sync_api import expect

from opsbase.kernel.roles.constants import RoleKind

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not apps.is_installed("opsbase.modules.drillbits"),
        reason="opsbase.modules.drillbits is not in the test settings' INSTALLED_APPS",
    ),
]

PHONE = {"width": 390, "height": 844}
TOUCH_TARGET_PX = 44


def assigned_bit(world):
    from opsbase.kernel.roles.services import role_create_from_template
    from opsbase.modules.customers.services import customer_create
    from opsbase.modules.drillbits.services import (
        drillbit_create,
        drillbit_transition,
        drillbit_update,
    )
    from opsbase.modules.sites.services import rig_create
    from opsbase.testing.factories import MembershipFactory, UserFactory

    manager = world.members[RoleKind.MANAGER]
    customer = customer_create(membership=manager, name="Northwind Drilling")
    rig = rig_create(membership=manager, customer=customer, name="Explorer I")
    bit = drillbit_create(
        membership=manager, serial_number="PDC-8812", bit_type="pdc", size="8-1/2"
    )
    drillbit_transition(membership=manager, drillbit=bit, transition="receive")
    drillbit_update(membership=manager, drillbit=bit, rig=rig)
    drillbit_transition(membership=manager, drillbit=bit, transition="assign")
    role = role_create_from_template(membership=world.members[RoleKind.ADMIN], slug="technician")
    technician = MembershipFactory(
        tenant=world.home, role=role, user=UserFactory(email="tech@acme.test")
    )
    return bit, technician


def test_a_technician_scans_a_bit_on_a_phone_and_sends_it_to_the_field(
    page, world, sign_in, screenshot, watch
):
    bit, technician = assigned_bit(world)
    sign_in(technician)
    page.set_viewport_size(PHONE)

    page.goto(f"/s/{bit.scan_code}/")

    expect(page.get_by_test_id("scan-serial")).to_have_text("PDC-8812")
    expect(page.get_by_test_id("scan-status")).to_have_text("Assigned")
    moves = page.get_by_test_id("scan-moves").get_by_role("button")
    # Only the workshop's move: taking it back into stock is not the Technician's.
    expect(moves).to_have_count(1)
    deploy = page.get_by_test_id("scan-move-deploy")
    box = deploy.bounding_box()
    assert box is not None and box["height"] >= TOUCH_TARGET_PX * 1.3, box
    assert box["width"] >= 300, box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "drillbits-scan-390")

    deploy.click()

    expect(page.get_by_test_id("scan-status")).to_have_text("In field")
    expect(page.get_by_test_id("scan-move-return")).to_be_visible()
    expect(page.get_by_test_id("scan-move-deploy")).to_have_count(0)


def test_globexs_member_scanning_an_acme_bit_gets_404(page, world, sign_in, watch):
    bit, _technician = assigned_bit(world)
    sign_in(world.away_members[RoleKind.USER])
    page.set_viewport_size(PHONE)
    watch.expect_error_status(f"/s/{bit.scan_code}/")

    answer = page.goto(f"/s/{bit.scan_code}/")

    assert answer is not None and answer.status == 404
    expect(page.get_by_text("PDC-8812")).to_have_count(0)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_drill_bit_pages_read_well_on_a_phone_and_a_desk(
    page, world, sign_in, screenshot, color_scheme
):
    from opsbase.modules.customers.models import Customer
    from opsbase.modules.drillbits.services import bitrun_create
    from opsbase.modules.sites.services import well_create

    from .test_screens import contrast_problems

    bit, _technician = assigned_bit(world)
    manager = world.members[RoleKind.MANAGER]
    customer = Customer.objects.for_tenant(world.home).get()
    well = well_create(membership=manager, customer=customer, name="NW-14A", depth_m=3450)
    bitrun_create(membership=manager, drillbit=bit, well=well, depth_in=1500, depth_out=1920)
    sign_in(manager)
    pages = {
        "scan": f"/s/{bit.scan_code}/",
        "list": "/drill-bits/",
        "detail": f"/drill-bits/{bit.pk}/",
        "labels": "/drill-bits/labels/",
        "run": f"/drill-bits/{bit.pk}/runs/new/",
        "rigs": "/sites/rigs/",
        "wells": "/sites/wells/",
    }
    problems = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            page.goto(url)
            expect(page.locator("h1").first).to_be_visible()
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"{name} at {width}: {overflow} px of sideways scroll")
            problems += [f"{name} at {width}: {p}" for p in contrast_problems(page)]
            screenshot(page, f"drillbits-{name}-{width}-{color_scheme}")
    assert problems == [], "\n".join(problems)
