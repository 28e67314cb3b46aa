"""The benchmark's plain-DRF write baselines (``bench/views.py``) do what the report says.

``docs/performance.md`` divides OpsBase's task create and update by these views' throughput
and describes them as a plain DRF project's writes: scoped to the caller's organization, one
transaction, no audit trail. A baseline that did less (or more) would make the ratio lie.
"""

import pytest
from django.urls import reverse

from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.services import task_create
from opsbase.testing.api import token_client


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


@pytest.fixture
def manager(world):
    return world.members[RoleKind.MANAGER]


def test_the_create_baseline_saves_a_task_of_the_callers_organization_without_auditing(
    world, manager, bench_urls
):
    client = token_client(manager)
    body = {"title": "Bench task 1", "priority": "high"}
    response = client.post(reverse("bench_create"), body, format="json")
    audited = client.post(reverse("api:task-list"), body, format="json")  # OpsBase's own

    assert response.status_code == 201, response.content
    task = Task.objects.unscoped().get(pk=response.json()["id"])
    assert (task.tenant_id, task.owner_id, task.priority) == (
        world.home.pk,
        manager.user_id,
        "high",
    )
    events = AuditEvent.objects.unscoped().filter(target_type="tasks.task")
    assert list(events.values_list("target_id", flat=True)) == [str(audited.json()["id"])]


def test_the_update_baseline_changes_a_task_of_the_callers_organization_only(
    world, manager, bench_urls
):
    own = task_create(membership=manager, title="Pumps", priority="low", notify=False)
    away_admin = world.away_members[RoleKind.ADMIN]
    foreign = task_create(membership=away_admin, title="Pumps", priority="low", notify=False)
    client = token_client(manager)
    body = {"priority": "high", "description": "edited 1"}

    mine = client.patch(reverse("bench_update", args=[own.pk]), body, format="json")
    theirs = client.patch(reverse("bench_update", args=[foreign.pk]), body, format="json")

    assert mine.status_code == 200, mine.content
    own = Task.objects.unscoped().get(pk=own.pk)
    assert (own.priority, own.description) == ("high", "edited 1")
    assert theirs.status_code == 404
    assert Task.objects.unscoped().get(pk=foreign.pk).priority == "low"
