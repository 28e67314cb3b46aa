"""Every page and API action of NCRs, generated from the declaration, plus dispositions and
sign-off: each role × own (raised by the actor) / other (raised by another member) / foreign
(another organization's) NCR answers as the policy decides; another organization's is 404,
and the raiser of an NCR is refused its sign-off in every cell where it is the actor."""

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.quality.api import NcrViewSet
from opsbase.modules.quality.constants import DISPOSITION, SIGN_OFF, VIEW
from opsbase.modules.quality.services import disposition_record
from opsbase.modules.quality.views import NcrPages
from opsbase.testing.api import token_client
from opsbase.testing.matrix import Case, module_cases

from .conftest import manager_of, to_disposition

CASES = module_cases(
    pages=NcrPages,
    viewset=NcrViewSet,
    form_data={"title": "Renamed finding", "severity": "major", "subject_text": "Batch 7"},
    api_data={"title": "Replaced finding", "severity": "minor", "subject_text": "Batch 8"},
)

API = "/api/v1/ncrs/"


def test_the_generator_walks_every_page_and_action():
    assert {str(case) for case in CASES} == {
        "page ncr_list",
        "page create",
        "page detail",
        "page edit",
        "page edit (post)",
        "page delete",
        "page delete (post)",
        "page transition investigate",
        "api list",
        "api create",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
        "api transition investigate",
    }


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_page_and_action_answers_as_the_policy_decides(world, make_ncr, case):
    case.check(world, make=make_ncr)


@pytest.fixture
def make_in_disposition(world, make_ncr):
    def make(raiser):
        return to_disposition(world, make_ncr(raiser))

    return make


@pytest.fixture
def make_dispositioned(world, make_in_disposition):
    def make(raiser):
        ncr = make_in_disposition(raiser)
        manager = manager_of(world, raiser)
        disposition_record(membership=manager, ncr=ncr, kind="use_as_is", approver=manager)
        return ncr

    return make


def _concession(client, ncr):
    approver = manager_of_home_or_away(ncr)
    body = {"kind": "use_as_is", "approver": approver}
    return client.post(f"{API}{ncr.pk}/dispositions/", body, format="json")


def manager_of_home_or_away(ncr):
    from opsbase.kernel.tenants.models import Membership

    return (
        Membership.objects.for_tenant(ncr.tenant_id)
        .filter(role__kind=RoleKind.MANAGER)
        .values_list("pk", flat=True)
        .first()
    )


DISPOSITION_CASES = [
    Case("api dispositions", _concession, (VIEW, DISPOSITION), 201, login=token_client),
    Case(
        "page disposition (post)",
        lambda c, o: c.post(
            f"/quality/{o.pk}/dispositions/",
            {"kind": "use_as_is", "approver": manager_of_home_or_away(o)},
        ),
        (VIEW, DISPOSITION),
        302,
    ),
    Case(
        "page detail (disposition)",
        lambda c, o: c.get(f"/quality/{o.pk}/"),
        (VIEW,),
        200,
        html=True,
    ),
]

SIGN_OFF_CASES = [
    Case(
        "api transition close",
        lambda c, o: c.post(f"{API}{o.pk}/transition/", {"to": "closed"}, format="json"),
        (VIEW, SIGN_OFF),
        200,
        login=token_client,
    ),
    Case(
        "page detail (dispositioned)",
        lambda c, o: c.get(f"/quality/{o.pk}/"),
        (VIEW,),
        200,
        html=True,
    ),
]


@pytest.mark.parametrize("case", DISPOSITION_CASES, ids=str)
def test_dispositions_answer_as_the_policy_decides(world, make_in_disposition, case):
    case.check(world, make=make_in_disposition)


@pytest.mark.parametrize("case", SIGN_OFF_CASES, ids=str)
def test_sign_off_answers_as_the_policy_decides(world, make_dispositioned, case):
    case.check(world, make=make_dispositioned)


def test_the_raiser_is_refused_in_the_sign_off_matrix(world, make_dispositioned):
    manager = world.members[RoleKind.MANAGER]
    mine, theirs = make_dispositioned(manager), make_dispositioned(world.spare)
    client = token_client(manager)

    refused = client.post(f"{API}{mine.pk}/transition/", {"to": "closed"}, format="json")
    closed = client.post(f"{API}{theirs.pk}/transition/", {"to": "closed"}, format="json")

    assert (refused.status_code, closed.status_code) == (403, 200)
