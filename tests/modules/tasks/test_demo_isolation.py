"""Acceptance over the demo data: nobody reaches another organization's tasks, and a User
cannot edit a Manager's task; every refused attempt leaves the task as it was."""

import pytest
from django.core.management import call_command

from opsbase.kernel.demo import demo_seed
from opsbase.kernel.tenants.models import Membership, Tenant
from opsbase.modules.tasks.models import Task
from opsbase.testing.api import token_client


def _membership(email, slug):
    tenant = Tenant.objects.get(slug=slug)
    return (
        Membership.objects.for_tenant(tenant)
        .select_related("user", "role", "tenant")
        .get(user__email=email)
    )


def _state(task):
    task.refresh_from_db()
    return (task.title, task.status, task.priority, task.due_date, task.assignee_id)


@pytest.fixture
def demo(db):
    call_command("demo", password="demo-password-1")
    return {slug: Tenant.objects.get(slug=slug) for slug in ("acme", "globex")}


def test_the_demo_seeds_tasks_owned_by_manager_and_user_some_assigned(demo):
    tasks = Task.objects.for_tenant(demo["acme"]).select_related("owner")

    owners = {t.owner.email for t in tasks}
    assert owners == {"manager@acme.test", "user@acme.test"}
    assert any(t.assignee_id for t in tasks)
    assert Task.objects.for_tenant(demo["globex"]).count() == len(tasks)


def test_seeding_twice_adds_no_tasks(demo):
    before = Task.objects.for_tenant(demo["acme"]).count()

    demo_seed(password="demo-password-2")

    assert Task.objects.for_tenant(demo["acme"]).count() == before


def test_globex_user_gets_404_on_every_acme_task_and_changes_nothing(demo):
    client = token_client(_membership("user@globex.test", "globex"))
    acme_tasks = list(Task.objects.for_tenant(demo["acme"]))
    assert acme_tasks

    for task in acme_tasks:
        before = _state(task)
        url = f"/api/v1/tasks/{task.pk}/"
        answers = [
            client.get(url).status_code,
            client.patch(url, {"title": "Taken over", "status": "cancelled"}).status_code,
            client.delete(url).status_code,
        ]
        assert answers == [404, 404, 404], (task.title, answers)
        assert _state(task) == before


def test_acme_user_cannot_edit_a_task_of_acme_manager(demo):
    client = token_client(_membership("user@acme.test", "acme"))
    managers = Task.objects.for_tenant(demo["acme"]).filter(owner__email="manager@acme.test")
    assert managers.exists()

    for task in managers:
        before = _state(task)
        url = f"/api/v1/tasks/{task.pk}/"
        for response in (
            client.patch(url, {"title": "Taken over"}),
            client.put(url, {"title": "Taken over", "priority": "low"}),
            client.delete(url),
        ):
            assert response.status_code in (403, 404), (task.title, response.status_code)
        assert _state(task) == before
