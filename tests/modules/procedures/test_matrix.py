"""Every page and API action of procedures, generated from the declaration, plus approval,
acknowledgement and new versions: each role × own (written by the actor) / other / foreign
version answers as the policy decides; another organization's is 404, and the author of a
version is refused its approval in every cell where it is the actor."""

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.procedures.api import ProcedureViewSet
from opsbase.modules.procedures.constants import ACKNOWLEDGE, ADD, APPROVE, CHANGE, VIEW
from opsbase.modules.procedures.views import ProcedurePages
from opsbase.testing.api import token_client
from opsbase.testing.matrix import Case, module_cases

from .conftest import approved, submitted

CASES = module_cases(
    pages=ProcedurePages,
    viewset=ProcedureViewSet,
    form_data={"title": "Brazing, revised", "body": "1. Clean.\n2. Braze."},
    api_data={"code": "SOP-900", "title": "Replaced", "body": "Steps"},
)

API = "/api/v1/procedures/"


def test_the_generator_walks_every_page_and_action():
    assert {str(case) for case in CASES} == {
        "page procedure_list",
        "page create",
        "page detail",
        "page edit",
        "page edit (post)",
        "page delete",
        "page delete (post)",
        "page transition submit",
        "api list",
        "api create",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
        "api transition submit",
    }


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_page_and_action_answers_as_the_policy_decides(world, make_procedure, case):
    case.check(world, make=make_procedure)


REVIEW_CASES = [
    Case(
        "api transition approve",
        lambda c, o: c.post(f"{API}{o.pk}/transition/", {"to": "approved"}, format="json"),
        (VIEW, APPROVE),
        200,
        login=token_client,
    ),
    Case(
        "page transition approve",
        lambda c, o: c.post(f"/procedures/{o.pk}/transition/", {"transition": "approve"}),
        (VIEW, APPROVE),
        302,
    ),
    Case(
        "api transition return",
        lambda c, o: c.post(f"{API}{o.pk}/transition/", {"transition": "return"}, format="json"),
        (VIEW, CHANGE),
        200,
        login=token_client,
    ),
    Case(
        "page detail (in review)",
        lambda c, o: c.get(f"/procedures/{o.pk}/"),
        (VIEW,),
        200,
        html=True,
    ),
]

APPROVED_CASES = [
    Case(
        "api acknowledge",
        lambda c, o: c.post(f"{API}{o.pk}/acknowledge/"),
        (VIEW, ACKNOWLEDGE),
        201,
        login=token_client,
    ),
    Case(
        "page acknowledge (post)",
        lambda c, o: c.post(f"/procedures/{o.pk}/acknowledge/"),
        (VIEW, ACKNOWLEDGE),
        302,
    ),
    Case(
        "api new-version",
        lambda c, o: c.post(f"{API}{o.pk}/new-version/"),
        (VIEW, ADD),
        201,
        login=token_client,
    ),
    Case(
        "page new-version (post)",
        lambda c, o: c.post(f"/procedures/{o.pk}/new-version/"),
        (VIEW, ADD),
        302,
    ),
    Case(
        "api transition supersede",
        lambda c, o: c.post(f"{API}{o.pk}/transition/", {"to": "superseded"}, format="json"),
        (VIEW, CHANGE),
        200,
        login=token_client,
    ),
    Case(
        "page detail (approved)",
        lambda c, o: c.get(f"/procedures/{o.pk}/"),
        (VIEW,),
        200,
        html=True,
    ),
]

DRAFT_CASES = [
    Case(
        "api attachment",
        lambda c, o: c.post(f"{API}{o.pk}/attachment/", {"file": _pdf()}, format="multipart"),
        (VIEW, CHANGE),
        200,
        login=token_client,
    ),
    Case(
        "page attachment (post)",
        lambda c, o: c.post(f"/procedures/{o.pk}/attachment/", {"file": _pdf()}),
        (VIEW, CHANGE),
        302,
    ),
]


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("steps.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.mark.parametrize("case", REVIEW_CASES, ids=str)
def test_review_answers_as_the_policy_decides(world, make_procedure, case):
    case.check(world, make=lambda author: submitted(world, make_procedure(author)))


@pytest.mark.parametrize("case", APPROVED_CASES, ids=str)
def test_approved_versions_answer_as_the_policy_decides(world, make_procedure, case):
    case.check(world, make=lambda author: approved(world, make_procedure(author)))


@pytest.mark.parametrize("case", DRAFT_CASES, ids=str)
def test_attachments_answer_as_the_policy_decides(world, make_procedure, case):
    case.check(world, make=make_procedure)


def test_the_author_is_refused_in_the_approval_matrix(world, make_procedure):
    manager = world.members[RoleKind.MANAGER]
    mine = submitted(world, make_procedure(manager))
    theirs = submitted(world, make_procedure(world.spare))
    client = token_client(manager)

    refused = client.post(f"{API}{mine.pk}/transition/", {"to": "approved"}, format="json")
    approved_ = client.post(f"{API}{theirs.pk}/transition/", {"to": "approved"}, format="json")

    assert (refused.status_code, approved_.status_code) == (403, 200)
