"""Templates, versions and filled forms through the services: a version is frozen, a filled
form keeps the version it was filled against, the server decides the result, images are
stored, refusals keep nothing."""

import pytest
from django.core.files.storage import default_storage

from opsbase.core.exceptions import Conflict, PermissionDenied, ValidationError
from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.checklists.models import FormSubmission, FormVersion
from opsbase.modules.checklists.services import (
    field_add,
    field_move,
    field_remove,
    formtemplate_publish,
    formtemplate_update,
    submission_create,
)

from .conftest import GOOD_ANSWERS


def test_a_filled_form_keeps_the_version_it_was_filled_against(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    template = make_template(manager, publish=True)
    first = FormVersion.objects.for_tenant(world.home).get(template=template)
    filled = submission_create(membership=manager, version=first, answers=GOOD_ANSWERS)

    field_remove(membership=manager, formtemplate=template, key="photo")
    second = formtemplate_publish(membership=manager, formtemplate=template)

    filled.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert filled.version_id == first.pk
    assert any(f["key"] == "photo" for f in filled.version.fields)
    assert not any(f["key"] == "photo" for f in second.fields)


def test_a_published_version_is_never_rewritten(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    version = formtemplate_publish(membership=manager, formtemplate=make_template(manager))

    version.fields = []
    with pytest.raises(Conflict):
        version.save()


def test_publishing_the_same_fields_twice_is_refused(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    template = make_template(manager, publish=True)

    with pytest.raises(Conflict, match="Version 1 already has these fields"):
        formtemplate_publish(membership=manager, formtemplate=template)


def test_an_out_of_tolerance_number_fails_the_form_on_the_server(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    template = make_template(manager, publish=True)
    version = FormVersion.objects.for_tenant(world.home).get(template=template)

    filled = submission_create(
        membership=manager, version=version, answers={**GOOD_ANSWERS, "gauge_od": "8.61"}
    )

    assert filled.result == "fail"
    assert filled.flags == {"gauge_od": "8.61 in is above the maximum 8.520 in."}


def test_a_missing_required_answer_keeps_nothing(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    version = formtemplate_publish(membership=manager, formtemplate=make_template(manager))
    answers = {**GOOD_ANSWERS, "cutters": "Heavy"}

    with pytest.raises(ValidationError) as refused:
        submission_create(membership=manager, version=version, answers=answers)

    assert refused.value.extra["fields"] == {"answers.cutter_notes": ["This field is required."]}
    assert not FormSubmission.objects.for_tenant(world.home).exists()


def test_the_signature_is_stored_as_a_png_and_kept_by_reference(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    version = formtemplate_publish(membership=manager, formtemplate=make_template(manager))

    filled = submission_create(membership=manager, version=version, answers=GOOD_ANSWERS)

    stored = filled.answers["signature"]
    assert stored["content_type"] == "image/png"
    assert default_storage.open(stored["file"]).read().startswith(b"\x89PNG")


def test_the_builder_adds_reorders_and_refuses_a_broken_condition(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    template = make_template(manager, fields=[])
    field_add(
        membership=manager,
        formtemplate=template,
        field={"key": "a", "type": "choice", "label": "A", "choices": ["x", "y"]},
    )
    field_add(
        membership=manager,
        formtemplate=template,
        field={"key": "b", "type": "text", "label": "B", "show_if": {"field": "a", "equals": "x"}},
    )

    with pytest.raises(ValidationError):
        field_move(membership=manager, formtemplate=template, key="b", offset=-1)
    with pytest.raises(ValidationError):
        field_remove(membership=manager, formtemplate=template, key="a")
    field_add(
        membership=manager, formtemplate=template, field={"key": "c", "type": "date", "label": "C"}
    )
    field_move(membership=manager, formtemplate=template, key="c", offset=-2)

    template.refresh_from_db()
    assert [f["key"] for f in template.draft] == ["c", "a", "b"]


def test_a_user_fills_forms_but_does_not_change_templates(world, make_template):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    template = make_template(manager)
    version = formtemplate_publish(membership=manager, formtemplate=template)

    with pytest.raises(PermissionDenied):
        formtemplate_update(membership=user, formtemplate=template, name="Mine now")
    filled = submission_create(membership=user, version=version, answers=GOOD_ANSWERS)

    assert filled.result == "pass"


def test_another_organizations_version_is_refused(world, make_template):
    away = world.away_members[RoleKind.MANAGER]
    version = formtemplate_publish(membership=away, formtemplate=make_template(away))

    with pytest.raises(ValidationError):
        submission_create(
            membership=world.members[RoleKind.MANAGER], version=version, answers=GOOD_ANSWERS
        )


def test_every_write_is_audited_and_the_chain_verifies(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    version = formtemplate_publish(membership=manager, formtemplate=make_template(manager))
    submission_create(membership=manager, version=version, answers=GOOD_ANSWERS)

    assert audit_chain_verify(tenant=world.home).ok
