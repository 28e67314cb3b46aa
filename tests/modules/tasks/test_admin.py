"""The Django admin lists every organization's tasks (read-only) without tripping tenant scoping."""

import pytest
from django.test import Client

from opsbase.kernel.roles.constants import RoleKind
from opsbase.testing.factories import UserFactory


@pytest.fixture
def superuser_client(db):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_changelist_shows_tasks_of_every_organization(world, make_task, superuser_client):
    make_task(world.members[RoleKind.USER], title="Home task", assignee=world.spare)
    make_task(world.away_members[RoleKind.USER], title="Away task")

    page = superuser_client.get("/admin/tasks/task/").content.decode()

    assert "Home task" in page and "Away task" in page


@pytest.mark.parametrize(
    "query", ["q=Home", "status__exact=todo", "priority__exact=high", "tenant__id__exact=1"]
)
def test_search_and_filters_work(world, make_task, superuser_client, query):
    make_task(world.members[RoleKind.USER], title="Home task")

    assert superuser_client.get(f"/admin/tasks/task/?{query}").status_code == 200


def test_a_task_opens_read_only(world, make_task, superuser_client):
    task = make_task(world.members[RoleKind.USER], assignee=world.spare)

    response = superuser_client.get(f"/admin/tasks/task/{task.pk}/change/")

    assert response.status_code == 200
    assert b'name="title"' not in response.content
    assert superuser_client.post(f"/admin/tasks/task/{task.pk}/delete/").status_code == 403
