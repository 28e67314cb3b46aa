"""Every page and API action of leads, generated from its declaration: each role × own /
other / foreign lead answers as the policy decides, and every page passes the HTML checker."""

import pytest

from opsbase.modules.leads.api import LeadViewSet
from opsbase.modules.leads.views import LeadPages
from opsbase.testing.matrix import module_cases

CASES = module_cases(
    pages=LeadPages,
    viewset=LeadViewSet,
    form_data={"name": "Renamed lead", "source": "referral", "currency": "EUR"},
    api_data={"name": "Replaced lead", "source": "import"},
)


def test_the_generator_walks_every_page_and_action():
    assert {str(case) for case in CASES} == {
        "page lead_list",
        "page create",
        "page import",
        "page detail",
        "page edit",
        "page edit (post)",
        "page delete",
        "page delete (post)",
        "api list",
        "api create",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
    }


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_page_and_action_answers_as_the_policy_decides(world, make_lead, case):
    case.check(world, make=lambda owner: make_lead(owner, name=f"Lead of {owner.user.email}"))
