"""Recording a run from the bit's page: every role × own / foreign bit answers as the policy
decides; a run deeper out than in is shown back with the field's error."""

import pytest

from opsbase.modules.drillbits.constants import RECORD_RUN
from opsbase.modules.drillbits.models import BitRun
from opsbase.testing.matrix import Case, session_client

from .conftest import site_of


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_run_page_answers_as_the_policy_decides(world, make_bit, method):
    def request(client, bit):
        _rig, well = site_of(bit.tenant)
        url = f"/drill-bits/{bit.pk}/runs/new/"
        if method == "get":
            return client.get(url)
        return client.post(url, {"well": well.pk, "depth_in": "100", "depth_out": "250"})

    Case(
        f"page run {method}",
        request,
        ("drillbits.view_drillbit", RECORD_RUN),
        200 if method == "get" else 302,
        html=method == "get",
    ).check(world, make=lambda owner: make_bit(owner.tenant))


def test_a_run_is_recorded_from_the_page_and_shown_on_the_bit(user, make_bit):
    _rig, well = site_of(user.tenant)
    bit = make_bit(user.tenant)
    client = session_client(user)

    answer = client.post(
        f"/drill-bits/{bit.pk}/runs/new/",
        {"well": well.pk, "depth_in": "1500", "depth_out": "1920.5", "dull_characteristic": "WT"},
    )

    assert answer.status_code == 302
    run = BitRun.objects.for_tenant(user.tenant).get()
    assert (run.number, str(run.footage), run.dull_characteristic) == (1, "420.5", "WT")
    page = client.get(f"/drill-bits/{bit.pk}/").content.decode()
    assert 'data-testid="drillbit-run"' in page
    assert "420.5" in page


def test_a_run_deeper_out_than_in_is_shown_back_with_the_error(manager, make_bit):
    _rig, well = site_of(manager.tenant)
    bit = make_bit(manager.tenant)

    answer = session_client(manager).post(
        f"/drill-bits/{bit.pk}/runs/new/", {"well": well.pk, "depth_in": "2000", "depth_out": "10"}
    )

    assert answer.status_code == 400
    assert "Depth out cannot be above depth in." in answer.content.decode()
    assert not BitRun.objects.for_tenant(manager.tenant).exists()


def test_another_organizations_well_is_refused(world, manager, make_bit):
    _rig, foreign_well = site_of(world.away)
    bit = make_bit(manager.tenant)

    answer = session_client(manager).post(
        f"/drill-bits/{bit.pk}/runs/new/", {"well": foreign_well.pk}
    )

    assert answer.status_code == 400
    assert not BitRun.objects.for_tenant(manager.tenant).exists()
