"""Every page and API action of form templates, generated from the declaration, plus the
builder's own pages: each role × own / other / foreign template answers as the policy
decides (another organization's: 404)."""

import itertools

import pytest

from opsbase.modules.checklists.api import FormTemplateViewSet
from opsbase.modules.checklists.constants import ADD, CHANGE, VIEW
from opsbase.modules.checklists.views import FormTemplatePages
from opsbase.testing.api import token_client
from opsbase.testing.matrix import Case, module_cases

from .conftest import BIT_FIELDS

# Names are unique per organization: the writes that rename are spelled out per template
# below instead of the generator's one body for every cell.
RENAMING = {"page edit (post)", "api create", "api update", "api partial_update"}
_names = itertools.count(1)
CASES = [
    case
    for case in module_cases(
        pages=FormTemplatePages,
        viewset=FormTemplateViewSet,
        form_data={"name": "Renamed form"},
        api_data={"name": "Replaced form", "fields": BIT_FIELDS[:2]},
    )
    if str(case) not in RENAMING
]
API = "/api/v1/form-templates/"
RENAMING_CASES = [
    Case(
        "api create",
        lambda c, o: c.post(
            API, {"name": f"New form {next(_names)}", "fields": BIT_FIELDS[:2]}, format="json"
        ),
        (ADD,),
        201,
        login=token_client,
        on_object=False,
    ),
    Case(
        "page edit (post)",
        lambda c, o: c.post(f"/forms/{o.pk}/edit/", {"name": f"Renamed {o.pk}"}),
        (VIEW, CHANGE),
        302,
    ),
    Case(
        "api update",
        lambda c, o: c.put(
            f"{API}{o.pk}/", {"name": f"Replaced {o.pk}", "fields": BIT_FIELDS[:2]}, format="json"
        ),
        (VIEW, CHANGE),
        200,
        login=token_client,
    ),
    Case(
        "api partial_update",
        lambda c, o: c.patch(f"{API}{o.pk}/", {"description": "Changed"}, format="json"),
        (VIEW, CHANGE),
        200,
        login=token_client,
    ),
]

BUILDER_CASES = [
    Case(
        "page field add (post)",
        lambda c, o: c.post(
            f"/forms/{o.pk}/fields/", {"label": "Torque", "key": "torque", "type": "number"}
        ),
        (VIEW, CHANGE),
        302,
    ),
    Case(
        "page field move (post)",
        lambda c, o: c.post(f"/forms/{o.pk}/fields/visual/move/down/"),
        (VIEW, CHANGE),
        302,
    ),
    Case(
        "page field remove (post)",
        lambda c, o: c.post(f"/forms/{o.pk}/fields/photo/remove/"),
        (VIEW, CHANGE),
        302,
    ),
    Case(
        "page publish (post)", lambda c, o: c.post(f"/forms/{o.pk}/publish/"), (VIEW, CHANGE), 302
    ),
    Case("page preview", lambda c, o: c.get(f"/forms/{o.pk}/preview/"), (VIEW,), 200, html=True),
    Case("page export", lambda c, o: c.get(f"/forms/{o.pk}/export/"), (VIEW,), 200),
    Case(
        "api publish",
        lambda c, o: c.post(f"/api/v1/form-templates/{o.pk}/publish/"),
        (VIEW, CHANGE),
        201,
        login=token_client,
    ),
    Case(
        "api export",
        lambda c, o: c.get(f"/api/v1/form-templates/{o.pk}/export/"),
        (VIEW,),
        200,
        login=token_client,
    ),
    Case(
        "api versions",
        lambda c, o: c.get(f"/api/v1/form-templates/{o.pk}/versions/"),
        (VIEW,),
        200,
        login=token_client,
    ),
    Case(
        "api check",
        lambda c, o: c.post(
            f"/api/v1/form-templates/{o.pk}/check/", {"answers": {}}, format="json"
        ),
        (VIEW,),
        200,
        login=token_client,
    ),
]


def test_the_generator_walks_every_page_and_action():
    assert {str(case) for case in CASES} | RENAMING == {
        "page formtemplate_list",
        "page create",
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


@pytest.mark.parametrize("case", [*CASES, *RENAMING_CASES, *BUILDER_CASES], ids=str)
def test_every_page_and_action_answers_as_the_policy_decides(world, make_org_template, case):
    case.check(world, make=make_org_template)
