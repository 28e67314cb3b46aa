"""The mixed scenario's requests (``bench.mixed``): written before the load run, each one a
request its member may send and that answers 2xx, so that every error the run counts is the
server's. Sent here through Django's test client, on any engine."""

import json
import random
from collections import Counter

import pytest
from bench.mixed import MIX, MIX_LINES, WRITE_SHARE, plan, sign_in
from bench.run import send
from django.test import Client

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.services import task_create, task_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(world):
    """Both organizations' members signed in, with tasks of every state owned by each."""
    rng = random.Random(1)
    for members in (world.members, world.away_members):
        people = list(members.values())
        for member in people:
            for n in range(4):
                task = task_create(
                    membership=member,
                    title=f"Inspect pump {n}",
                    assignee=rng.choice([None, *people]),
                    notify=False,
                )
                move = ("start", "block", "complete", "cancel", None)[n % 5]
                if move:
                    task_transition(membership=member, task=task, transition=move)
    memberships = Membership.objects.unscoped().select_related("user", "role", "tenant")
    members = sign_in(list(memberships), name="bench test")
    return plan(members, rng=rng, queue_lengths=(6, 6), read_queries=20)


def test_the_mix_has_one_write_in_ten_from_members_of_every_role(scenario):
    labels = Counter(r.label for r in scenario.slots)

    assert len(scenario.slots) == MIX_LINES
    assert labels == Counter(MIX)
    assert pytest.approx(0.10) == WRITE_SHARE
    assert scenario.tenants == 2
    assert {RoleKind.ADMIN, RoleKind.MANAGER, RoleKind.USER} <= set(scenario.kinds)
    tokens = {dict(r.headers).get("Authorization") for r in scenario.slots}
    assert len(tokens - {None}) >= 5  # many members, not one repeated


def test_reads_vary_their_filters_sorts_and_pages(scenario):
    reads = [r.path for r in scenario.slots if r.label in ("api_list", "page")]

    for parameter in ("status=", "priority=", "overdue=", "q=", "ordering=", "sort=", "page="):
        assert any(parameter in path for path in reads), parameter
    assert len(set(reads)) > 20


def test_every_request_answers_2xx_for_its_member(scenario):
    seen = set()
    for request in scenario.slots:
        kind = (request.label, request.method, request.path.split("?")[0])
        if request.method == "QUEUE" or (kind in seen and request.label != "api_list"):
            continue
        seen.add(kind)
        response = send(Client(HTTP_HOST="127.0.0.1"), request)
        assert 200 <= response.status_code < 300, (request, response.content[:300])


def test_each_transition_is_sent_once_and_possible_from_its_tasks_state(scenario):
    moves = [r for queue in scenario.queues for r in queue]
    paths = [r.path for r in moves]

    assert len(moves) == 12
    assert len(paths) == len(set(paths))  # one move per task over all the queues
    for request in moves:
        response = send(Client(HTTP_HOST="127.0.0.1"), request)
        assert response.status_code == 200, (request, response.content[:300])
        pk = int(request.path.rstrip("/").split("/")[-2])
        wanted = json.loads(request.body)["transition"]
        target = Task._meta.get_field("status").workflow.transition(wanted).target
        assert Task.objects.unscoped().get(pk=pk).status == target
