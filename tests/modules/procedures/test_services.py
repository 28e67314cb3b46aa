"""Procedures as their users see them: versions, review, separation of duties on approval,
supersession, safe rendering, attachments, and the acknowledgement gate before a work order
starts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbase.core.exceptions import PermissionDenied, ValidationError
from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.procedures.models import Procedure
from opsbase.modules.procedures.services import (
    procedure_acknowledge,
    procedure_create,
    procedure_new_version,
    procedure_require,
    procedure_transition,
    procedure_update,
)
from opsbase.modules.workorders.models import WorkOrder
from opsbase.testing.api import token_client
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client

from .conftest import approved, released_order, submitted

API = "/api/v1/procedures/"


def _state(procedure):
    return Procedure.objects.for_tenant(procedure.tenant_id).get(pk=procedure.pk).state


def test_a_code_already_used_gets_the_next_version(world):
    manager = world.members[RoleKind.MANAGER]

    first = procedure_create(membership=manager, code="sop-7 ", title="Brazing")
    second = procedure_create(membership=manager, code="SOP-7", title="Brazing")
    third = procedure_new_version(membership=manager, procedure=first)

    assert (first.code, first.version, second.version, third.version) == ("SOP-7", 1, 2, 3)
    assert third.body == first.body and third.state == "draft"


def test_the_author_cannot_approve_their_own_version(world, make_procedure):
    manager = world.members[RoleKind.MANAGER]
    procedure = submitted(world, make_procedure(manager))

    with pytest.raises(PermissionDenied) as refused:
        procedure_transition(membership=manager, procedure=procedure, transition="approve")

    assert "other than its author" in refused.value.message
    assert _state(procedure) == "in_review"


def test_the_rule_holds_for_an_admin_through_the_api(world, make_procedure):
    admin = world.members[RoleKind.ADMIN]
    procedure = submitted(world, make_procedure(admin))

    response = token_client(admin).post(
        f"{API}{procedure.pk}/transition/", {"transition": "approve"}, format="json"
    )

    assert response.status_code == 403
    assert "other than its author" in response.json()["error"]["message"]


def test_the_author_is_not_offered_the_approval_on_the_page(world, make_procedure):
    manager = world.members[RoleKind.MANAGER]
    mine = submitted(world, make_procedure(manager))
    theirs = submitted(world, make_procedure(world.spare))
    client = session_client(manager)

    own_page = client.get(f"/procedures/{mine.pk}/").content.decode()
    their_page = client.get(f"/procedures/{theirs.pk}/").content.decode()

    assert 'data-testid="transition-approve"' not in own_page
    assert 'data-testid="transition-approve"' in their_page


def test_another_member_approves_and_is_recorded(world, make_procedure):
    manager, admin = world.members[RoleKind.MANAGER], world.members[RoleKind.ADMIN]
    procedure = submitted(world, make_procedure(manager))

    response = token_client(admin).post(
        f"{API}{procedure.pk}/transition/", {"to": "approved"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "approved"
    assert response.json()["approved_by"] == admin.pk
    assert audit_chain_verify(tenant=world.home).ok


def test_approving_a_new_version_supersedes_the_approved_one(world, make_procedure):
    manager, admin = world.members[RoleKind.MANAGER], world.members[RoleKind.ADMIN]
    first = approved(world, make_procedure(manager))
    second = procedure_new_version(membership=manager, procedure=first)
    procedure_update(membership=manager, procedure=second, body="1. New step.")
    procedure_transition(membership=manager, procedure=second, transition="submit")

    procedure_transition(membership=admin, procedure=second, transition="approve")

    assert (_state(first), _state(second)) == ("superseded", "approved")
    approved_now = Procedure.objects.for_tenant(world.home).filter(
        code=first.code, state="approved"
    )
    assert list(approved_now.values_list("version", flat=True)) == [2]


def test_a_refused_supersession_keeps_both_versions_as_they_were(world, make_procedure):
    """Approval and supersession are one transaction: an approver who may not withdraw the
    old version approves nothing."""
    from opsbase.kernel.roles.services import role_create
    from opsbase.testing.factories import MembershipFactory, UserFactory

    manager = world.members[RoleKind.MANAGER]
    reviewer_role = role_create(
        membership=world.members[RoleKind.ADMIN],
        name="Reviewer",
        permissions=["procedures.view_procedure", "procedures.approve_procedure"],
    )
    reviewer = MembershipFactory(
        tenant=world.home, role=reviewer_role, user=UserFactory(email="rev@acme.test")
    )
    first = approved(world, make_procedure(manager))
    second = procedure_new_version(membership=manager, procedure=first)
    procedure_transition(membership=manager, procedure=second, transition="submit")

    with pytest.raises(PermissionDenied):
        procedure_transition(membership=reviewer, procedure=second, transition="approve")

    assert (_state(first), _state(second)) == ("approved", "in_review")


def test_only_a_draft_is_edited(world, make_procedure):
    manager = world.members[RoleKind.MANAGER]
    procedure = approved(world, make_procedure(world.spare))

    response = token_client(manager).patch(
        f"{API}{procedure.pk}/", {"body": "changed"}, format="json"
    )

    assert response.status_code == 400
    assert "new version" in response.json()["error"]["message"]


def test_the_text_is_rendered_without_any_markup_of_its_own(world, make_procedure):
    manager = world.members[RoleKind.MANAGER]
    procedure = make_procedure(
        manager,
        body='# Steps\n\n<script>alert("x")</script>\n\n[bad](javascript:alert(1)) **bold**\n\n'
        "<img src=x onerror=alert(1)>",
    )

    page = session_client(manager).get(f"/procedures/{procedure.pk}/")
    api = token_client(manager).get(f"{API}{procedure.pk}/").json()

    html = page.content.decode()
    assert "<h1>Steps</h1>" in html and "<strong>bold</strong>" in html
    assert "<script>alert" not in html
    assert 'href="javascript' not in api["body_html"] and "<img" not in api["body_html"]
    assert "&lt;script&gt;" in api["body_html"]
    assert not html_problems(page.content)


def test_an_attachment_is_kept_and_served_to_members_only(world, make_procedure):
    manager = world.members[RoleKind.MANAGER]
    procedure = make_procedure(manager)
    pdf = SimpleUploadedFile("torque.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")

    saved = token_client(manager).post(
        f"{API}{procedure.pk}/attachment/", {"file": pdf}, format="multipart"
    )
    fetched = session_client(world.members[RoleKind.USER]).get(
        f"/procedures/{procedure.pk}/attachment/"
    )
    foreign = session_client(world.away_members[RoleKind.ADMIN]).get(
        f"/procedures/{procedure.pk}/attachment/"
    )

    assert saved.status_code == 200, saved.json()
    assert saved.json()["attachment"].endswith(".pdf")
    assert fetched.status_code == 200
    assert b"".join(fetched.streaming_content).startswith(b"%PDF")
    assert foreign.status_code == 404


def test_an_attachment_that_is_not_what_it_claims_is_a_field_error(world, make_procedure):
    manager = world.members[RoleKind.MANAGER]
    procedure = make_procedure(manager)
    fake = SimpleUploadedFile("torque.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = token_client(manager).post(
        f"{API}{procedure.pk}/attachment/", {"file": fake}, format="multipart"
    )

    assert response.status_code == 400
    assert "attachment" in response.json()["error"]["fields"]
    procedure.refresh_from_db()
    assert not procedure.attachment


# -- the acknowledgement gate -------------------------------------------------------------


def test_a_work_order_does_not_start_before_its_procedure_is_acknowledged(
    world, make_procedure, technician
):
    manager = world.members[RoleKind.MANAGER]
    procedure = approved(world, make_procedure(manager, code="SOP-BRZ"))
    order = released_order(world, technician)
    procedure_require(membership=manager, procedure=procedure, work_order=order)
    client = token_client(technician)

    blocked = client.post(
        f"/api/v1/work-orders/{order.pk}/transition/", {"to": "in_progress"}, format="json"
    )
    read = client.post(f"{API}{procedure.pk}/acknowledge/")
    started = client.post(
        f"/api/v1/work-orders/{order.pk}/transition/", {"transition": "start"}, format="json"
    )

    assert blocked.status_code == 409
    assert "SOP-BRZ v1" in blocked.json()["error"]["message"]
    assert read.status_code == 201
    assert started.status_code == 200, started.json()
    assert WorkOrder.objects.for_tenant(world.home).get(pk=order.pk).state == "in_progress"


def test_a_procedure_required_by_an_operation_gates_the_start_too(
    world, make_procedure, technician
):
    manager = world.members[RoleKind.MANAGER]
    procedure = approved(world, make_procedure(manager))
    order = released_order(world, technician)
    operation = order.operations.first()
    response = token_client(manager).post(
        f"{API}{procedure.pk}/require/",
        {"work_order": order.pk, "operation": operation.pk},
        format="json",
    )

    blocked = token_client(technician).post(
        f"/api/v1/work-orders/{order.pk}/transition/", {"transition": "start"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["operation"] == operation.pk
    assert blocked.status_code == 409


def test_the_assignee_must_acknowledge_even_when_a_manager_starts(
    world, make_procedure, technician
):
    manager = world.members[RoleKind.MANAGER]
    procedure = approved(world, make_procedure(world.spare))
    order = released_order(world, technician)
    procedure_require(membership=manager, procedure=procedure, work_order=order)
    procedure_acknowledge(membership=manager, procedure=procedure)  # not the one doing it

    blocked = token_client(manager).post(
        f"/api/v1/work-orders/{order.pk}/transition/", {"transition": "start"}, format="json"
    )
    procedure_acknowledge(membership=technician, procedure=procedure)
    started = token_client(manager).post(
        f"/api/v1/work-orders/{order.pk}/transition/", {"transition": "start"}, format="json"
    )

    assert (blocked.status_code, started.status_code) == (409, 200)


def test_only_approved_versions_are_required_or_acknowledged(world, make_procedure, technician):
    manager = world.members[RoleKind.MANAGER]
    draft = make_procedure(manager)
    order = released_order(world, technician)

    with pytest.raises(ValidationError):
        procedure_require(membership=manager, procedure=draft, work_order=order)
    with pytest.raises(ValidationError):
        procedure_acknowledge(membership=technician, procedure=draft)


def test_requiring_a_procedure_needs_the_right_to_edit_the_work_order(
    world, make_procedure, technician
):
    procedure = approved(world, make_procedure(world.members[RoleKind.MANAGER]))
    order = released_order(world, technician)

    response = token_client(technician).post(
        f"{API}{procedure.pk}/require/", {"work_order": order.pk}, format="json"
    )
    foreign = token_client(world.away_members[RoleKind.ADMIN]).post(
        f"{API}{procedure.pk}/require/", {"work_order": order.pk}, format="json"
    )

    assert response.status_code == 403
    assert foreign.status_code == 404


def test_another_organizations_work_order_is_a_field_error(world, make_procedure):
    away_manager = world.away_members[RoleKind.MANAGER]
    procedure = approved(world, make_procedure(world.away_members[RoleKind.ADMIN]))
    order = released_order(world, world.members[RoleKind.USER])

    response = token_client(away_manager).post(
        f"{API}{procedure.pk}/require/", {"work_order": order.pk}, format="json"
    )

    assert response.status_code == 400
    assert "work_order" in response.json()["error"]["fields"]


def test_acknowledging_twice_keeps_one_record(world, make_procedure, technician):
    procedure = approved(world, make_procedure(world.members[RoleKind.MANAGER]))

    first = procedure_acknowledge(membership=technician, procedure=procedure)
    again = procedure_acknowledge(membership=technician, procedure=procedure)

    assert first.pk == again.pk
