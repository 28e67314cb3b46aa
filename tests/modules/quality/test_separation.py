"""Separation of duties: an NCR is signed off by a holder of ``quality.sign_off`` who did not
raise it, decided by the policy (the service, the API and the page all refuse the raiser)."""

import pytest

from opsbase.core.exceptions import PermissionDenied
from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.quality.constants import SIGN_OFF, NcrState
from opsbase.modules.quality.services import disposition_record, ncr_transition
from opsbase.testing.api import token_client
from opsbase.testing.matrix import session_client

from .conftest import to_disposition


@pytest.fixture
def dispositioned(world, make_ncr):
    def make(raiser):
        ncr = to_disposition(world, make_ncr(raiser))
        manager = world.members[RoleKind.MANAGER]
        disposition_record(membership=manager, ncr=ncr, kind="use_as_is", approver=manager)
        return ncr

    return make


def test_a_qc_inspector_who_raised_it_cannot_close_it(make_inspector, dispositioned):
    raiser = make_inspector()
    ncr = dispositioned(raiser)

    with pytest.raises(PermissionDenied) as refused:
        ncr_transition(membership=raiser, ncr=ncr, transition="close")

    assert "other than the person who raised it" in str(refused.value)
    ncr.refresh_from_db()
    assert ncr.state == NcrState.DISPOSITION


def test_another_qc_inspector_closes_it(make_inspector, dispositioned):
    raiser, other = make_inspector(), make_inspector()
    ncr = dispositioned(raiser)

    ncr_transition(membership=other, ncr=ncr, transition="close")

    assert ncr.state == NcrState.CLOSED


def test_the_rule_holds_for_an_admin_too(world, dispositioned):
    admin = world.members[RoleKind.ADMIN]
    ncr = dispositioned(admin)

    assert not policy.can(admin, SIGN_OFF, ncr)
    assert policy.can(world.members[RoleKind.MANAGER], SIGN_OFF, ncr)


def test_the_api_answers_403_with_the_reason_to_the_raiser(make_inspector, dispositioned):
    raiser, other = make_inspector(), make_inspector()
    ncr = dispositioned(raiser)
    url = f"/api/v1/ncrs/{ncr.pk}/transition/"

    refused = token_client(raiser).post(url, {"to": "closed"}, format="json")
    closed = token_client(other).post(url, {"to": "closed"}, format="json")

    assert refused.status_code == 403
    assert "other than the person who raised it" in refused.json()["error"]["message"]
    assert closed.status_code == 200, closed.json()
    assert closed.json()["state"] == "closed"


def test_the_page_does_not_offer_closing_to_the_raiser(make_inspector, dispositioned):
    raiser, other = make_inspector(), make_inspector()
    ncr = dispositioned(raiser)

    mine = session_client(raiser).get(f"/quality/{ncr.pk}/")
    theirs = session_client(other).get(f"/quality/{ncr.pk}/")

    assert b"transition-close" not in mine.content
    assert b"transition-close" in theirs.content


def test_a_user_without_sign_off_cannot_close(world, user, dispositioned):
    ncr = dispositioned(world.members[RoleKind.MANAGER])

    with pytest.raises(PermissionDenied):
        ncr_transition(membership=user, ncr=ncr, transition="close")
