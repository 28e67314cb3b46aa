"""A User's own task list (the tasks it owns or is assigned) is kept apart from the writes of
tasks that never named it, and renewed by every write that does: before or after the write,
through the services, a plain save or a stale object, and by any other write of the tenant."""

import pytest
from django.core.cache import cache
from django.db import transaction

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.services import (
    task_create,
    task_delete,
    task_transition,
    task_update,
)
from opsbase.testing.api import token_client
from opsbase.testing.concurrency import in_threads, needs_row_locks
from opsbase.testing.list_cache import ListFreshness


@pytest.fixture
def lists():
    return ListFreshness(api="/api/v1/tasks/", page="/tasks/", model=Task, prefix="task")


def test_a_users_list_outlives_the_writes_of_tasks_that_never_named_it(
    list_cache, settings, people, lists, make_task
):
    make_task(people["user"], title="Mine")
    theirs = make_task(people["spare"], title="Theirs")
    lists.fresh(settings, people)  # every list cached

    make_task(people["spare"], title="Theirs too")
    task_update(membership=people["admin"], task=theirs, title="Theirs, renamed", notify=False)
    task_transition(membership=people["spare"], task=theirs, transition="start")

    # The spare User's lists and the tenant-wide ones (Admin, Manager) are renewed; the User's,
    # which showed none of these tasks and shows none now, are served from the cache.
    assert lists.fresh(settings, people) == {"spare", "admin", "manager"}


def test_every_write_that_names_a_user_renews_its_list(
    list_cache, settings, people, lists, make_task
):
    user, spare, admin = people["user"], people["spare"], people["admin"]
    task = make_task(admin, title="Check the pumps")
    lists.fresh(settings, people)

    # Assigned to the User, then away from it (before and after both count), then back.
    task_update(membership=admin, task=task, assignee=user, notify=False)
    assert "user" in lists.fresh(settings, people)
    task_update(membership=admin, task=task, assignee=spare, notify=False)
    assert {"user", "spare"} <= lists.fresh(settings, people)
    task_update(membership=admin, task=task, assignee=user, notify=False)
    assert {"user", "spare"} <= lists.fresh(settings, people)

    # Moved, renamed, then deleted.
    task_transition(membership=admin, task=task, transition="start")
    lists.fresh(settings, people)
    task_update(membership=admin, task=task, title="Check the valves", notify=False)
    lists.fresh(settings, people)
    task_delete(membership=admin, task=Task.objects.for_tenant(admin.tenant_id).get(pk=task.pk))
    assert "user" in lists.fresh(settings, people)


def test_a_plain_save_and_a_stale_object_renew_the_members_the_row_named_in_the_database(
    list_cache, settings, people, lists, make_task
):
    """Outside the services (the admin, a script) the row's "before" is read from the
    database, not from the object: an object loaded before someone else's reassignment still
    renews the member the row named when it was saved over."""
    user, spare, admin = people["user"], people["spare"], people["admin"]
    task = make_task(admin, title="Check the pumps", assignee=user)
    stale = Task.objects.for_tenant(admin.tenant_id).get(pk=task.pk)  # assignee: the User
    lists.fresh(settings, people)

    moved = Task.objects.for_tenant(admin.tenant_id).get(pk=task.pk)
    moved.assignee = spare
    moved.save()
    assert {"user", "spare"} <= lists.fresh(settings, people)

    stale.assignee = admin  # the object still says the User; the row says the spare User
    stale.save()
    assert "spare" in lists.fresh(settings, people)


@pytest.mark.django_db(transaction=True)
def test_a_save_outside_any_transaction_renews_every_list(
    list_cache, settings, people, lists, make_task
):
    """In autocommit nothing holds the row between reading whom it named and the write, so
    another reassignment in between would go unseen: such a save renews every list, the lists
    of members it never named included."""
    spare, admin = people["spare"], people["admin"]
    task = make_task(admin, title="Check the pumps", assignee=spare)
    lists.fresh(settings, people)
    assert "user" not in lists.fresh(settings, people)  # served from the cache

    task = Task.objects.for_tenant(admin.tenant_id).get(pk=task.pk)
    task.title = "Check the pumps again"
    assert not transaction.get_connection().in_atomic_block
    task.save()
    assert lists.fresh(settings, people) == set(people)


def test_any_other_write_of_the_tenant_renews_every_list(
    list_cache, settings, people, lists, make_task
):
    user = people["user"]
    make_task(people["admin"], title="Check the pumps", assignee=user)
    lists.fresh(settings, people)

    user.user.email = "ann@acme.test"  # shown as the assignee
    user.user.save()

    assert lists.fresh(settings, people) == set(people)
    assert lists.read(user)[0][0]["assignee_email"] == "ann@acme.test"


def test_other_tenants_and_lists_without_member_scoped_rows_are_untouched(
    list_cache, settings, world, people, lists, make_task
):
    away = world.away_members[RoleKind.USER]
    make_task(away, title="Away")
    lists.read(away)

    make_task(people["spare"], title="Theirs")

    assert lists.read(away)[2] is False


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_reassignments_racing_each_other_and_the_readers_leave_every_list_fresh(
    settings, world, people, lists
):
    """Threads reassign tasks among the members, through the service (the row locked first)
    and by plain saves of objects loaded before the others' writes, while the members' lists
    are read (and cached) in between: afterwards every cached list is the computed one."""
    settings.OPSBASE_LIST_CACHE = True
    cache.clear()
    admin = people["admin"]
    members = [people["user"], people["spare"], people["manager"]]
    tasks = [
        task_create(membership=admin, title=f"Task {n}", assignee=members[0], notify=False)
        for n in range(6)
    ]
    stale = {t.pk: Task.objects.for_tenant(admin.tenant_id).get(pk=t.pk) for t in tasks}

    def by_service(task, member):
        def job():
            row = Task.objects.for_tenant(admin.tenant_id).get(pk=task.pk)
            task_update(membership=admin, task=row, assignee=member, notify=False)

        return job

    def by_plain_save(task, member):
        def job():
            with transaction.atomic():
                row = stale[task.pk]  # loaded before every other write
                row.assignee = member
                row.save(update_fields=["assignee", "updated_at"])

        return job

    def read(member):
        return lambda: token_client(member).get("/api/v1/tasks/").status_code

    jobs = []
    for round_ in range(4):
        for n, task in enumerate(tasks):
            member = members[(n + round_) % len(members)]
            jobs.append((by_service if (n + round_) % 2 else by_plain_save)(task, member))
            jobs.append(read(members[(n + round_ + 1) % len(members)]))
    in_threads(jobs, workers=8)

    lists.fresh(settings, people)
    cache.clear()
