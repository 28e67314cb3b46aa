"""Scans racing each other, with real threads and connections (PostgreSQL and MariaDB): of
ten people sending the same bit to the field at once exactly one moves it, the others are told
it is no longer possible; runs recorded at once get distinct numbers."""

from collections import Counter

import pytest

from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.drillbits.models import BitRun, DrillBit
from opsbase.modules.drillbits.services import (
    drillbit_create,
    drillbit_transition,
    drillbit_update,
)
from opsbase.testing.api import token_for
from opsbase.testing.concurrency import in_threads, needs_row_locks

from .conftest import site_of

pytestmark = [
    needs_row_locks,
    pytest.mark.django_db(transaction=True),
]


def _api(raw):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_ten_simultaneous_moves_of_one_bit_move_it_once(world):
    manager = world.members[RoleKind.MANAGER]
    rig, _ = site_of(world.home)
    bit = drillbit_create(membership=manager, serial_number="RACE-1", bit_type="pdc", size="6")
    drillbit_transition(membership=manager, drillbit=bit, transition="receive")
    drillbit_update(membership=manager, drillbit=bit, rig=rig)
    drillbit_transition(membership=manager, drillbit=bit, transition="assign")
    _token, raw = token_for(manager)

    def deploy():
        return _api(raw).post(
            f"/api/v1/drill-bits/{bit.pk}/transition/", {"to": "in_field"}, format="json"
        )

    answers = in_threads([deploy for _ in range(10)], workers=10)

    codes = Counter(r.status_code for r in answers)
    assert codes == {200: 1, 400: 9}, codes
    bit.refresh_from_db()
    assert bit.status == "in_field"
    assert audit_chain_verify(tenant=world.home).ok


def test_runs_recorded_at_once_get_distinct_numbers(world):
    manager = world.members[RoleKind.MANAGER]
    _rig, well = site_of(world.home)
    bit = drillbit_create(membership=manager, serial_number="RACE-2", bit_type="pdc", size="6")
    _token, raw = token_for(manager)

    def record():
        return _api(raw).post(
            f"/api/v1/drill-bits/{bit.pk}/runs/", {"well": well.pk, "hours": "5"}, format="json"
        )

    answers = in_threads([record for _ in range(8)], workers=8)

    assert [r.status_code for r in answers] == [201] * 8
    numbers = sorted(
        BitRun.objects.for_tenant(world.home).filter(bit=bit).values_list("number", flat=True)
    )
    assert numbers == list(range(1, 9))
    assert DrillBit.objects.for_tenant(world.home).count() == 1
    assert audit_chain_verify(tenant=world.home).ok
