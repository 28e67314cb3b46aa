"""A record's history in words people read: names, labels, local times; no codes or e-mails."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.history import record_history
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.services import task_create, task_transition, task_update
from opsbase.testing.matrix import session_client


def test_each_event_says_who_did_what_from_what_to_what(world):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    task = task_create(membership=manager, title="Check the pumps", notify=False)
    task_update(membership=manager, task=task, assignee=user, priority="urgent", notify=False)
    task_transition(membership=manager, task=task, transition="complete")

    created, changed, moved = record_history(membership=manager, model=Task, pk=task.pk)

    assert (created.kind, created.title, created.actor) == (
        "create",
        "Created",
        manager.user.get_full_name(),
    )
    assert {(c.label, c.old, c.new) for c in changed.changes} == {
        ("Assignee", None, user.user.get_full_name()),
        ("Priority", "Normal", "Urgent"),
    }
    assert (moved.kind, moved.title) == ("status", "Status changed")
    completed, status = moved.changes  # by field name
    assert (status.label, status.old, status.new) == ("Status", "To do", "Done")
    local = timezone.localtime(Task.objects.for_tenant(world.home).get().completed_at)
    shown = date_format(local, "SHORT_DATETIME_FORMAT")  # the language's own format
    assert (completed.label, completed.new) == ("Completed", shown)


def test_people_gone_since_are_said_so_and_actors_without_a_name_by_email(world):
    manager = world.members[RoleKind.MANAGER]
    manager.user.first_name = manager.user.last_name = ""
    manager.user.save()
    task = task_create(membership=manager, title="Check the pumps", notify=False)
    task_update(membership=manager, task=task, assignee=world.spare, notify=False)
    world.spare.delete()

    _created, changed = record_history(membership=manager, model=Task, pk=task.pk)

    assert changed.actor == manager.user.email
    assert [(c.label, c.new) for c in changed.changes] == [("Assignee", "(removed)")]


def test_the_page_shows_no_codes_ids_or_emails(world):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    task = task_create(
        membership=manager,
        title="Check the pumps",
        assignee=user,
        due_date=dt.date(2030, 1, 2),
        notify=False,
    )
    task_transition(membership=manager, task=task, transition="block")

    html = session_client(manager).get(f"/tasks/{task.pk}/").content.decode()
    history = html[html.index('data-testid="task-history"') :]

    assert "task.transition" not in history and "tasks.task" not in history
    assert manager.user.email not in history and user.user.email not in history
    assert manager.user.get_full_name() in history
    assert "To do → Blocked" in history
