"""Writes of tasks: validation, the workflow, completed_at, and an audit event for each."""

import datetime as dt

import pytest

from opsbase.core.exceptions import InvalidTransition, PermissionDenied, ValidationError
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.tenants.models import Membership
from opsbase.modules.tasks.constants import TaskStatus
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.services import (
    task_change_status,
    task_create,
    task_delete,
    task_transition,
    task_update,
)


def _events(task_id, tenant):
    return list(
        AuditEvent.objects.for_tenant(tenant)
        .filter(target_type="tasks.task", target_id=str(task_id))
        .order_by("seq")
    )


def test_a_new_task_is_owned_by_its_creator_and_starts_as_to_do(world, user):
    task = task_create(membership=user, title="  Check the pumps  ", notify=False)

    assert task.owner == user.user
    assert task.tenant_id == world.home.pk
    assert task.status == TaskStatus.TODO
    assert task.title == "Check the pumps"
    [event] = _events(task.pk, world.home)
    assert event.action == "create"
    assert event.changes["title"] == {"old": None, "new": "Check the pumps"}


@pytest.mark.parametrize("title", ["", "  ", "ab", " ab "])
def test_a_title_shorter_than_three_characters_is_refused(world, user, title):
    with pytest.raises(ValidationError) as caught:
        task_create(membership=user, title=title, notify=False)

    assert caught.value.extra["fields"]["title"] == ["Title must be at least 3 characters."]
    assert not Task.objects.for_tenant(world.home).exists()


def test_a_title_longer_than_200_characters_is_refused(user):
    with pytest.raises(ValidationError) as caught:
        task_create(membership=user, title="x" * 201, notify=False)

    assert "title" in caught.value.extra["fields"]


def test_a_member_of_another_organization_cannot_be_the_assignee(world, user):
    foreign = world.away_members["user"]

    with pytest.raises(ValidationError) as caught:
        task_create(membership=user, title="Check the pumps", assignee=foreign, notify=False)

    assert caught.value.extra["fields"]["assignee"] == ["Choose a member of this organization."]


def test_a_deactivated_member_cannot_be_assigned(world, user):
    Membership.objects.for_tenant(world.home).filter(pk=world.spare.pk).update(is_active=False)
    world.spare.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        task_create(membership=user, title="Check the pumps", assignee=world.spare, notify=False)

    assert "assignee" in caught.value.extra["fields"]


def test_an_update_records_old_and_new_of_each_changed_field_only(world, user, make_task):
    task = make_task(user, description="Weekly")

    task_update(
        membership=user,
        task=task,
        title="Check the big pumps",
        description="Weekly",
        due_date=dt.date(2030, 1, 31),
        notify=False,
    )

    event = _events(task.pk, world.home)[-1]
    assert event.action == "update"
    assert event.changes == {
        "title": {"old": "Check the pumps", "new": "Check the big pumps"},
        "due_date": {"old": None, "new": "2030-01-31"},
    }


def test_an_update_that_changes_nothing_records_nothing(world, user, make_task):
    task = make_task(user)

    task_update(membership=user, task=task, title="Check the pumps", notify=False)

    assert [e.action for e in _events(task.pk, world.home)] == ["create"]


def test_a_user_cannot_edit_another_members_task(world, user, make_task):
    task = make_task(world.spare)

    with pytest.raises(PermissionDenied) as caught:
        task_update(membership=user, task=task, title="Mine now", notify=False)

    assert caught.value.message == "Only the owner or a Manager can edit this task."
    task.refresh_from_db()
    assert task.title == "Check the pumps"


def test_the_assignee_may_change_the_status_but_not_the_fields(world, user, make_task):
    task = make_task(world.spare, assignee=user)

    task_update(membership=user, task=task, status=TaskStatus.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        task_update(membership=user, task=task, title="Renamed", notify=False)

    task.refresh_from_db()
    assert (task.status, task.title) == (TaskStatus.IN_PROGRESS, "Check the pumps")


def test_done_sets_completed_at_and_reopening_clears_it(world, manager, make_task):
    task = make_task(manager)

    task_transition(membership=manager, task=task, transition="complete")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.completed_at is not None

    task_transition(membership=manager, task=task, transition="reopen")
    task.refresh_from_db()
    assert (task.status, task.completed_at) == (TaskStatus.TODO, None)
    actions = [e.action for e in _events(task.pk, world.home)]
    assert actions == ["create", "task.transition.complete", "task.transition.reopen"]


def test_completed_at_is_audited_with_the_status_it_follows(world, manager, make_task):
    task = make_task(manager)

    task_transition(membership=manager, task=task, transition="start")
    task_transition(membership=manager, task=task, transition="complete")
    completed = task.completed_at  # the caller's object follows the saved row
    task_transition(membership=manager, task=task, transition="reopen")

    start, complete, reopen = [e.changes for e in _events(task.pk, world.home)][1:]
    assert set(start) == {"status"}  # nothing else moved: nothing else recorded
    assert set(complete) == {"status", "completed_at"}
    assert complete["completed_at"]["new"] == completed.isoformat()
    assert reopen["completed_at"] == {"old": complete["completed_at"]["new"], "new": None}


def test_an_unreachable_status_names_the_transitions_possible_now(manager, make_task):
    task = make_task(manager)
    task_transition(membership=manager, task=task, transition="cancel")

    with pytest.raises(InvalidTransition) as caught:
        task_change_status(membership=manager, task=task, status=TaskStatus.DONE)

    assert caught.value.extra["allowed"] == ["reopen"]
    assert "Possible now: reopen." in caught.value.message


def test_an_unknown_status_is_a_field_error(manager, make_task):
    task = make_task(manager)

    with pytest.raises(ValidationError) as caught:
        task_change_status(membership=manager, task=task, status="finished")

    assert "status" in caught.value.extra["fields"]


def test_fields_and_status_change_together_or_not_at_all(world, manager, make_task):
    task = make_task(manager)
    task_transition(membership=manager, task=task, transition="complete")

    with pytest.raises(InvalidTransition):
        task_update(
            membership=manager, task=task, title="Renamed", status=TaskStatus.BLOCKED, notify=False
        )

    task.refresh_from_db()
    assert task.title == "Check the pumps"


def test_the_status_cannot_be_set_by_saving_the_row(manager, make_task):
    task = make_task(manager)
    task.status = TaskStatus.DONE

    with pytest.raises(InvalidTransition):
        task.save()


def test_deleting_keeps_the_history_in_the_audit_log(world, manager, make_task):
    task = make_task(manager)
    task_id = task.pk

    task_delete(membership=manager, task=task)

    assert not Task.objects.for_tenant(world.home).filter(pk=task_id).exists()
    delete = _events(task_id, world.home)[-1]
    assert delete.action == "delete"
    assert delete.changes["title"] == {"old": "Check the pumps", "new": None}


def test_a_user_cannot_delete_another_members_task(world, user, make_task):
    task = make_task(world.spare)

    with pytest.raises(PermissionDenied) as caught:
        task_delete(membership=user, task=task)

    assert caught.value.message == "Only the owner or a Manager can delete this task."
    assert Task.objects.for_tenant(world.home).filter(pk=task.pk).exists()


def test_resending_the_current_status_still_needs_the_status_permission(world, make_task):
    from opsbase.kernel.roles.services import role_create
    from opsbase.modules.tasks.constants import VIEW, VIEW_ALL
    from opsbase.testing.factories import MembershipFactory, UserFactory

    role = role_create(
        membership=world.members["admin"],
        name="Viewer",
        description="",
        permissions=[VIEW, VIEW_ALL],
    )
    viewer = MembershipFactory(tenant=world.home, role=role, user=UserFactory())
    task = make_task(world.spare)

    with pytest.raises(PermissionDenied):
        task_update(membership=viewer, task=task, status=TaskStatus.TODO)
