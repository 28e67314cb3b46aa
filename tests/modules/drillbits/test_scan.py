"""The page a bit's QR label opens: after sign-in, the bit and only the moves the scanner's
role allows; another organization's code and an unknown one answer 404 alike."""

import re

import pytest
from django.core.cache import cache

from opsbase.modules.drillbits.services import drillbit_transition, drillbit_update
from opsbase.testing.matrix import session_client

from .conftest import site_of


@pytest.fixture
def assigned_bit(manager, make_bit):
    rig, _ = site_of(manager.tenant)
    bit = make_bit(manager.tenant, serial_number="PDC-8812")
    drillbit_transition(membership=manager, drillbit=bit, transition="receive")
    drillbit_update(membership=manager, drillbit=bit, rig=rig)
    drillbit_transition(membership=manager, drillbit=bit, transition="assign")
    return bit


def moves_on(page) -> list[str]:
    return re.findall(r'data-testid="scan-move-([a-z_]+)"', page.content.decode())


def test_a_technician_sees_only_the_moves_of_their_role(technician, manager, assigned_bit):
    technician_page = session_client(technician).get(f"/s/{assigned_bit.scan_code}/")
    manager_page = session_client(manager).get(f"/s/{assigned_bit.scan_code}/")

    assert technician_page.status_code == 200
    assert "PDC-8812" in technician_page.content.decode()
    # Taking a bit back into stock is planning's move, not the workshop's.
    assert moves_on(technician_page) == ["deploy"]
    assert moves_on(manager_page) == ["unassign", "deploy"]


def test_a_technician_moves_the_bit_from_the_scan_page(technician, assigned_bit):
    client = session_client(technician)

    answer = client.post(f"/s/{assigned_bit.scan_code}/", {"transition": "deploy"})

    assert answer.status_code == 302
    assigned_bit.refresh_from_db()
    assert assigned_bit.status == "in_field"
    assert moves_on(client.get(answer.url)) == ["return"]


def test_a_move_beyond_the_role_is_refused_and_changes_nothing(technician, assigned_bit):
    answer = session_client(technician).post(
        f"/s/{assigned_bit.scan_code}/", {"transition": "unassign"}
    )

    assert answer.status_code == 403
    assigned_bit.refresh_from_db()
    assert assigned_bit.status == "assigned"


def test_a_stale_move_says_why_on_the_page(manager, assigned_bit):
    client = session_client(manager)

    answer = client.post(f"/s/{assigned_bit.scan_code}/", {"transition": "repair"}, follow=True)

    assert answer.status_code == 200
    assert "not possible" in answer.content.decode()


def test_another_organizations_code_and_an_unknown_one_answer_404(world, assigned_bit):
    globex_member = session_client(world.away_members["user"])

    assert globex_member.get(f"/s/{assigned_bit.scan_code}/").status_code == 404
    assert (
        globex_member.post(f"/s/{assigned_bit.scan_code}/", {"transition": "deploy"}).status_code
        == 404
    )
    assert globex_member.get("/s/not-a-code-of-anyone/").status_code == 404


def test_scanning_signed_out_asks_to_sign_in_first(client, assigned_bit):
    answer = client.get(f"/s/{assigned_bit.scan_code}/")

    assert answer.status_code == 302
    assert "login" in answer.url
    assert f"/s/{assigned_bit.scan_code}/" in answer.url


def test_the_scan_page_costs_three_queries(manager, assigned_bit, django_assert_num_queries):
    cache.clear()
    client = session_client(manager)
    client.get(f"/s/{assigned_bit.scan_code}/")

    # Session, the user with its memberships, then the bit with its rig and well.
    with django_assert_num_queries(3):
        assert client.get(f"/s/{assigned_bit.scan_code}/").status_code == 200
