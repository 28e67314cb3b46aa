"""Every page and API action of the drill bits module, generated from its declaration: each
role × own / other / foreign bit answers as the policy decides, and every page passes the
HTML checker. The serial number is unique per organization, so every write posts a fresh one."""

import itertools

import pytest

from opsbase.modules.drillbits.api import DrillBitViewSet
from opsbase.modules.drillbits.views import DrillBitPages
from opsbase.testing.matrix import module_cases

_serials = itertools.count(1)


FORM = {"bit_type": "roller_cone", "size": "12-1/4", "iadc_code": "517x"}
API = {"bit_type": "pdc", "size": "8-1/2", "design": "MDi616"}
CASES = module_cases(pages=DrillBitPages, viewset=DrillBitViewSet, form_data=FORM, api_data=API)


def test_the_generator_walks_every_page_and_action():
    assert {str(case) for case in CASES} == {
        "page drillbit_list",
        "page create",
        "page import",
        "page detail",
        "page edit",
        "page edit (post)",
        "page delete",
        "page delete (post)",
        "page transition receive",
        "api list",
        "api create",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
        "api transition receive",
    }


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_page_and_action_answers_as_the_policy_decides(world, make_bit, case):
    # Every request posts a fresh serial number (the cases read these very dicts).
    original = case.request

    def request(client, obj):
        FORM["serial_number"] = API["serial_number"] = f"NEW-{next(_serials):05d}"
        return original(client, obj)

    case.request = request
    case.check(world, make=lambda owner: make_bit(owner.tenant))
