"""Every page and API action of dispatch notes, generated from the declaration, plus the PDF
and the issue move: each role × own / other / foreign note answers as the policy decides,
another organization's note is 404, every page passes the HTML checker."""

import pytest

from opsbase.modules.dispatch.api import DispatchNoteViewSet
from opsbase.modules.dispatch.constants import CHANGE, VIEW
from opsbase.modules.dispatch.views import DispatchNotePages
from opsbase.testing.api import token_client
from opsbase.testing.matrix import Case, module_cases

from .conftest import rig_of

FORM = {"kind": "outbound", "date": "2026-01-12", "carrier": "North Sea Logistics"}
BODY = {"kind": "outbound", "carrier": "Fast Freight", "reference": "AWB 1"}
CASES = module_cases(
    pages=DispatchNotePages, viewset=DispatchNoteViewSet, form_data=FORM, api_data=BODY
)
EXTRA = [
    Case(
        "page pdf",
        lambda c, o: c.get(f"/dispatch/{o.pk}/pdf/"),
        (VIEW,),
        200,
    ),
    Case(
        "api transition to issued",
        lambda c, o: c.post(f"/api/v1/dispatches/{o.pk}/transition/", {"to": "issued"}),
        (VIEW, CHANGE),
        200,
        login=token_client,
    ),
]


def test_the_generator_walks_every_page_and_action():
    assert {str(case) for case in CASES} == {
        "page dispatchnote_list",
        "page create",
        "page detail",
        "page edit",
        "page edit (post)",
        "page delete",
        "page delete (post)",
        "page transition cancel",
        "api list",
        "api create",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
        "api transition cancel",
    }


@pytest.mark.parametrize("case", [*CASES, *EXTRA], ids=str)
def test_every_page_and_action_answers_as_the_policy_decides(world, make_note, case):
    rig = rig_of(world.home).pk
    FORM["rig"] = rig
    BODY["rig"] = rig
    case.check(world, make=lambda owner: make_note(owner.tenant))
