"""The kit's write helpers: policy on the fresh row, audit before/after, on-commit effects."""

import logging

import pytest

from opsbase.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.roles.models import Role
from opsbase.kernel.roles.services import role_create
from opsbase.kit.services import record_create, record_delete, record_update
from opsbase.testing.factories import MembershipFactory, UserFactory
from tests.testapp.models import Ticket

from .conftest import WORK


def _events(obj_id, tenant):
    return list(
        AuditEvent.objects.for_tenant(tenant)
        .filter(target_type="testapp.ticket", target_id=str(obj_id))
        .order_by("seq")
    )


def _new(member, title):
    return Ticket(owner=member.user, title=title)


# -- create ----------------------------------------------------------------------------------


def test_create_puts_the_record_in_the_members_tenant_stripped_and_audited(world, user):
    ticket = record_create(membership=user, obj=_new(user, "  Check the pumps "), codename=WORK)

    assert (ticket.tenant_id, ticket.title) == (world.home.pk, "Check the pumps")
    [event] = _events(ticket.pk, world.home)
    assert event.action == "create"
    assert event.changes["title"] == {"old": None, "new": "Check the pumps"}


def test_create_refused_by_the_policy_writes_nothing(world, user):
    viewer = MembershipFactory(
        tenant=world.home,
        role=role_create(membership=world.members["admin"], name="Nobody", permissions=[]),
        user=UserFactory(),
    )

    with pytest.raises(PermissionDenied):
        record_create(membership=viewer, obj=_new(viewer, "Check"), codename=WORK)

    assert not Ticket.objects.for_tenant(world.home).exists()


def test_create_validates_the_model_and_the_modules_check(world, user):
    def check(row, changed):
        if "pump" not in row.title:
            raise ValidationError(extra={"fields": {"title": ["Say which pump."]}})

    with pytest.raises(ValidationError) as too_long:
        record_create(membership=user, obj=_new(user, "x" * 101), codename=WORK)
    with pytest.raises(ValidationError) as refused:
        record_create(membership=user, obj=_new(user, "Valves"), codename=WORK, check=check)

    assert "title" in too_long.value.extra["fields"]
    assert refused.value.extra["fields"] == {"title": ["Say which pump."]}
    assert not Ticket.objects.for_tenant(world.home).exists()


def test_effects_run_after_the_commit_in_the_records_tenant(
    world, user, django_capture_on_commit_callbacks
):
    from opsbase.core.context import current_tenant_id

    seen = []

    def effect(row, changed):
        seen.append((row.title, current_tenant_id(), "title" in changed))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record_create(membership=user, obj=_new(user, "Pumps"), codename=WORK, after_commit=effect)
        assert seen == []  # not before the commit
    for callback in callbacks:
        callback()

    assert seen == [("Pumps", world.home.pk, True)]


def test_a_failing_effect_is_logged_and_the_write_stands(
    world, user, django_capture_on_commit_callbacks, caplog
):
    def effect(row, changed):
        raise ConnectionError("broker down")

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        ticket = record_create(
            membership=user, obj=_new(user, "Pumps"), codename=WORK, after_commit=effect
        )

    assert Ticket.objects.for_tenant(world.home).filter(pk=ticket.pk).exists()
    assert "After-commit effect of testapp.ticket" in caplog.text


# -- update ----------------------------------------------------------------------------------


def test_update_audits_what_the_row_held_not_what_the_caller_read(world, user, make_ticket):
    stale = make_ticket(user, title="Base title")
    # Another writer renamed it after the caller read it.
    Ticket.objects.for_tenant(world.home).filter(pk=stale.pk).update(title="Renamed meanwhile")

    record_update(membership=user, obj=stale, codename=WORK, changes={"title": "Mine"})

    event = _events(stale.pk, world.home)[-1]
    assert event.changes == {"title": {"old": "Renamed meanwhile", "new": "Mine"}}
    assert stale.title == "Mine"


def test_update_saves_and_audits_only_what_differs(world, user, make_ticket):
    ticket = make_ticket(user, title="Pumps", resolution="")

    record_update(
        membership=user, obj=ticket, codename=WORK, changes={"title": " Pumps ", "resolution": ""}
    )
    assert _events(ticket.pk, world.home) == []

    record_update(
        membership=user,
        obj=ticket,
        codename=WORK,
        changes={"title": "Pumps", "resolution": "Fixed"},
    )
    [event] = _events(ticket.pk, world.home)
    assert event.changes == {"resolution": {"old": "", "new": "Fixed"}}


def test_update_asks_the_policy_about_the_row_as_it_is_now(world, user, make_ticket):
    ticket = make_ticket(user)
    # Handed over to another member since the caller read it: no longer the user's to edit.
    Ticket.objects.for_tenant(world.home).filter(pk=ticket.pk).update(owner=world.spare.user)

    with pytest.raises(PermissionDenied):
        record_update(membership=user, obj=ticket, codename=WORK, changes={"title": "Mine"})

    assert Ticket.objects.for_tenant(world.home).get(pk=ticket.pk).title == "Check the pumps"


@pytest.mark.parametrize("gone", ["deleted", "moved to another tenant"])
def test_update_of_a_record_that_is_gone_is_not_found(world, user, make_ticket, gone):
    ticket = make_ticket(user)
    rows = Ticket.objects.for_tenant(world.home).filter(pk=ticket.pk)
    if gone == "deleted":
        rows.delete()
    else:
        rows.update(tenant=world.away)

    with pytest.raises(NotFound):
        record_update(membership=user, obj=ticket, codename=WORK, changes={"title": "Mine"})


def test_update_refuses_a_field_the_model_does_not_have(user, make_ticket):
    with pytest.raises(TypeError, match="colour"):
        record_update(
            membership=user, obj=make_ticket(user), codename=WORK, changes={"colour": "red"}
        )


def test_effects_learn_which_fields_changed(user, make_ticket, django_capture_on_commit_callbacks):
    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        record_update(
            membership=user,
            obj=make_ticket(user),
            codename=WORK,
            changes={"title": "Renamed", "resolution": ""},
            after_commit=lambda row, changed: seen.append(changed),
        )

    assert seen == [frozenset({"title"})]


# -- delete ----------------------------------------------------------------------------------


def test_delete_removes_the_row_and_keeps_its_history(world, user, make_ticket):
    ticket = make_ticket(user)
    pk = ticket.pk

    record_delete(membership=user, obj=ticket, codename=WORK)

    assert not Ticket.objects.for_tenant(world.home).filter(pk=pk).exists()
    [event] = _events(pk, world.home)
    assert (event.action, event.changes["title"]["old"]) == ("delete", "Check the pumps")


def test_delete_of_a_record_deleted_meanwhile_is_not_found(world, user, make_ticket):
    ticket = make_ticket(user)
    Ticket.objects.for_tenant(world.home).filter(pk=ticket.pk).delete()

    with pytest.raises(NotFound):
        record_delete(membership=user, obj=ticket, codename=WORK)


def test_delete_of_a_record_still_in_use_is_a_conflict_and_deletes_nothing(world):
    admin = world.members["admin"]
    role = role_create(membership=admin, name="Inspector", permissions=[])
    MembershipFactory(tenant=world.home, role=role, user=UserFactory())

    with pytest.raises(Conflict) as caught:
        record_delete(membership=admin, obj=role, codename="roles.manage_roles")

    assert "memberships" in caught.value.message
    assert Role.objects.for_tenant(world.home).filter(pk=role.pk).exists()
    assert not AuditEvent.objects.for_tenant(world.home).filter(action="delete").exists()
