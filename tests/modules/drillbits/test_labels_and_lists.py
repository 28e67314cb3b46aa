"""QR labels (PDF on A4 and on a 62 mm roll, SVG), the lists' query budgets, the dashboard's
cards and the demo's workshop."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.tenants.models import Tenant
from opsbase.modules.drillbits.demo import demo_drillbits_seed
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.drillbits.services import drillbit_transition, drillbit_update
from opsbase.modules.sites.demo import demo_sites_seed
from opsbase.testing.api import token_client
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client

from .conftest import site_of


def pdf_pages(content: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", content))


@pytest.mark.parametrize(
    ("layout", "bits", "pages"), [("a4", 30, 2), ("a4", 24, 1), ("roll", 3, 3)]
)
def test_labels_print_as_a_pdf_with_one_page_per_sheet(manager, make_bit, layout, bits, pages):
    made = [make_bit(manager.tenant) for _ in range(bits)]
    query = "&".join(f"pk={bit.pk}" for bit in made)

    answer = session_client(manager).get(f"/drill-bits/labels/?{query}&layout={layout}")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert pdf_pages(answer.content) == pages


def test_labels_as_svg_carry_each_bits_scan_url(manager, make_bit):
    one, two = make_bit(manager.tenant), make_bit(manager.tenant)

    answer = session_client(manager).get(f"/drill-bits/labels/?pk={one.pk}&pk={two.pk}&layout=svg")

    assert answer.status_code == 200
    root = ET.fromstring(answer.content)  # noqa: S314 - our own answer
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert one.serial_number in texts and two.serial_number in texts


def test_another_organizations_bits_get_no_label(world, manager, make_bit):
    foreign = make_bit(world.away)

    answer = session_client(manager).get(f"/drill-bits/labels/?pk={foreign.pk}&layout=a4")

    assert answer.status_code == 400
    assert foreign.serial_number not in answer.content.decode()


def test_the_label_page_offers_the_bits_to_choose(manager, make_bit):
    bit = make_bit(manager.tenant)

    answer = session_client(manager).get("/drill-bits/labels/?status=new")

    assert answer.status_code == 200
    assert bit.serial_number in answer.content.decode()
    assert html_problems(answer.content) == []


def test_a_bits_qr_code_is_an_svg(manager, make_bit, world):
    bit = make_bit(manager.tenant)
    client = session_client(manager)

    answer = client.get(f"/drill-bits/{bit.pk}/qr.svg")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(answer.content)  # noqa: S314 - our own answer
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert client.get(f"/drill-bits/{make_bit(world.away).pk}/qr.svg").status_code == 404


def test_the_lists_cost_the_same_for_3_or_30_bits(manager, make_bit):
    rig, well = site_of(manager.tenant)
    client = session_client(manager)

    def cost(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add(n):
        for _ in range(n):
            bit = make_bit(manager.tenant)
            drillbit_update(membership=manager, drillbit=bit, location="Rack A")
            drillbit_transition(membership=manager, drillbit=bit, transition="receive")
            drillbit_update(membership=manager, drillbit=bit, rig=rig, well=well)

    add(3)
    client.get("/drill-bits/")
    few = [cost("/drill-bits/"), cost("/api/v1/drill-bits/")]
    add(27)

    assert [cost("/drill-bits/"), cost("/api/v1/drill-bits/")] == few


def test_the_dashboard_shows_bits_by_status_and_the_longest_in_the_field(manager, make_bit):
    rig, _ = site_of(manager.tenant)
    for serial in ("FIELD-1", "FIELD-2"):
        bit = make_bit(manager.tenant, serial_number=serial)
        drillbit_transition(membership=manager, drillbit=bit, transition="receive")
        drillbit_update(membership=manager, drillbit=bit, rig=rig)
        drillbit_transition(membership=manager, drillbit=bit, transition="assign")
        drillbit_transition(membership=manager, drillbit=bit, transition="deploy")
    make_bit(manager.tenant, serial_number="NEW-1")
    cache.clear()

    page = session_client(manager).get("/").content.decode()

    assert 'data-testid="dashboard-card-drillbits"' in page
    assert 'data-testid="dashboard-card-drillbits-field"' in page
    assert f"FIELD-1 at {rig.name}" in page
    assert page.index("FIELD-1") < page.index("FIELD-2")


def test_the_demo_has_60_bits_in_every_state_for_each_organization(world):
    from opsbase.modules.customers.demo import demo_customers_seed

    for tenant in (world.home, world.away):
        demo_customers_seed(tenant=tenant)
        demo_sites_seed(tenant=tenant)
        demo_drillbits_seed(tenant=tenant)
        bits = DrillBit.objects.for_tenant(tenant)
        assert bits.count() == 60
        assert set(bits.values_list("status", flat=True)) == {
            "new",
            "in_stock",
            "assigned",
            "in_field",
            "returned",
            "repair",
            "scrapped",
        }
    # Run again: nothing more.
    demo_drillbits_seed(tenant=world.home)
    assert DrillBit.objects.for_tenant(world.home).count() == 60
    assert Tenant.objects.count() >= 2


def test_a_user_reads_the_bits_in_the_api(user, make_bit):
    make_bit(user.tenant)

    answer = token_client(user).get("/api/v1/drill-bits/?status=new")

    assert answer.status_code == 200
    assert answer.json()["count"] == 1
