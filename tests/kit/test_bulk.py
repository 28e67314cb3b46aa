"""Bulk actions of the kit's list page (the tasks' pages): the ticked rows set to a status,
assigned or deleted at once, each through the module's service (policy and audit per record)."""

import pytest
from django.apps import apps

from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.roles.constants import RoleKind
from opsbase.testing.matrix import session_client

pytestmark = pytest.mark.skipif(
    not apps.is_installed("opsbase.modules.tasks"), reason="tasks not installed"
)

BULK = "/tasks/bulk/"


def add(member, title):
    from opsbase.modules.tasks.services import task_create

    return task_create(membership=member, title=title, notify=False)


def tasks_of(tenant):
    from opsbase.modules.tasks.models import Task

    return Task.objects.for_tenant(tenant).order_by("pk")


def events(tenant, task, action=None):
    """The audit events of *task* since its creation (of *action* when given)."""
    found = AuditEvent.objects.for_tenant(tenant).filter(
        target_type="tasks.task", target_id=str(task.pk)
    )
    return found.filter(action=action) if action else found.exclude(action="create")


def test_ticked_tasks_move_to_the_status_chosen_each_audited(world, manager):
    first, second, untouched = (
        add(manager, "Order valves"),
        add(manager, "Paint"),
        add(manager, "Zinc"),
    )

    response = session_client(manager).post(
        BULK, {"action": "status:in_progress", "pk": [first.pk, second.pk], "next": "/tasks/all/"}
    )

    assert response.status_code == 302 and response["Location"] == "/tasks/all/"
    statuses = {t.title: t.status for t in tasks_of(world.home)}
    assert statuses == {"Order valves": "in_progress", "Paint": "in_progress", "Zinc": "todo"}
    assert events(world.home, first).count() == 1
    assert events(world.home, second).count() == 1
    assert not events(world.home, untouched).exists()


def test_ticked_tasks_are_assigned_then_unassigned(world, manager):
    tasks = [add(manager, "Order valves"), add(manager, "Paint")]
    client = session_client(manager)
    pks = [t.pk for t in tasks]

    client.post(BULK, {"action": f"assign:{world.spare.pk}", "pk": pks})

    assert [t.assignee_id for t in tasks_of(world.home)] == [world.spare.pk] * 2
    assert all(events(world.home, t, "update").exists() for t in tasks)
    client.post(BULK, {"action": "assign:", "pk": pks})
    assert [t.assignee_id for t in tasks_of(world.home)] == [None, None]


def test_ticked_tasks_are_deleted_and_the_deletions_audited(world, manager):
    gone, kept = add(manager, "Order valves"), add(manager, "Paint")

    session_client(manager).post(BULK, {"action": "delete", "pk": [gone.pk]})

    assert [t.title for t in tasks_of(world.home)] == ["Paint"]
    assert events(world.home, gone, "delete").count() == 1
    assert kept.pk


def test_another_organizations_task_in_the_selection_is_left_alone(world, manager):
    mine = add(manager, "Order valves")
    theirs = add(world.away_members[RoleKind.MANAGER], "Their valves")

    response = session_client(manager).post(
        BULK, {"action": "delete", "pk": [mine.pk, theirs.pk]}, follow=True
    )

    assert list(tasks_of(world.home)) == []
    assert [t.title for t in tasks_of(world.away)] == ["Their valves"]
    said = [str(m) for m in response.context["messages"]]
    assert "1 task changed." in said
    assert any("no longer exists" in m for m in said)


def test_an_action_the_menu_does_not_offer_changes_nothing(world, manager):
    task = add(manager, "Order valves")

    for action in ("status:nonsense", "explode", "assign:abc"):
        session_client(manager).post(BULK, {"action": action, "pk": [task.pk]})

    assert [(t.title, t.status) for t in tasks_of(world.home)] == [("Order valves", "todo")]


def test_the_list_offers_bulk_actions_by_name_and_no_box_without_them(world, manager):
    add(manager, "Order valves")

    page = session_client(manager).get("/tasks/all/").content.decode()

    assert 'data-testid="task-bulk"' in page and 'data-testid="task-select"' in page
    assert (
        world.spare.user.email not in page.split('data-testid="task-bulk"')[1].split("</form>")[0]
    )
