"""The mixed scenario: members of several organizations at once, each with their own token
and session, reading task lists with varied filters, sorts and pages (the API and the HTML
page) and writing one request in ten (create, update, a status transition).

``plan`` writes the requests once, before the load run, from the database as it is: every
request is one that member may send and that answers 2xx (a page number within the list, a
transition possible from the task's current state, an edit of a task the member may edit).
``bench/load.lua`` then picks among them at random. A transition is sent once (the queue of
the request file): the task's state has moved on after it.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client
from django.urls import reverse

from opsbase.api.services import api_token_create
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kernel.tenants.selectors import SESSION_KEY
from opsbase.modules.tasks.constants import ADD, CHANGE, VIEW_ALL
from opsbase.modules.tasks.models import Task

from .generate import THINGS, TITLES
from .wrk import QUEUED, Request

HOST = "127.0.0.1"
# One request in ten writes: creates, edits and transitions; the reads are the API's list
# and the HTML list page. Counts of lines out of MIX_LINES in the request file.
MIX_LINES = 1000
MIX = {"api_list": 600, "page": 300, "create": 40, "update": 30, "transition": 30}
# Members whose reads are probed for their list's length (each read query is used by
# several lines, with other pages).
READ_QUERIES = 200
ORDERINGS = ("created_at", "updated_at", "due_date", "priority", "status", "title")
PAGE_SIZES = (25, 50)
WRITE_SHARE = sum(MIX[k] for k in ("create", "update", "transition")) / MIX_LINES


@dataclass
class Member:
    membership: Membership
    token: str
    cookie: str
    headers: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.membership.role.kind


def sign_in(memberships: Sequence[Membership], *, name: str) -> list[Member]:
    """An API token and a signed-in session (on its organization) for each membership."""
    members = []
    for membership in memberships:
        _token, raw = api_token_create(membership=membership, name=name)
        client = Client()
        client.force_login(membership.user)
        session = client.session
        session[SESSION_KEY] = membership.tenant_id
        session.save()
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        member = Member(membership, raw, cookie)
        member.headers = {
            "token": (("Authorization", f"Token {raw}"),),
            "session": (("Cookie", cookie),),
        }
        members.append(member)
    return members


@dataclass
class Plan:
    slots: list[Request]
    queues: list[list[Request]]  # one per load run (warm-up, then the measured run)
    members: int
    tenants: int
    kinds: dict[str, int]


def _choices(field_name: str) -> list[str]:
    return [str(value) for value, _label in Task._meta.get_field(field_name).choices]


def _random_filters(rng: random.Random, assignees: Sequence[int]) -> dict[str, str]:
    query: dict[str, str] = {}
    if rng.random() < 0.35:
        query["status"] = rng.choice(_choices("status"))
    if rng.random() < 0.25:
        query["priority"] = rng.choice(_choices("priority"))
    if rng.random() < 0.15:
        query["overdue"] = "true"
    if assignees and rng.random() < 0.15:
        query["assignee"] = str(rng.choice(assignees))
    if rng.random() < 0.15:
        query["q"] = rng.choice(TITLES + tuple(t.split()[-1] for t in THINGS))
    return query


def _page(rng: random.Random, rows: int, size: int) -> int:
    pages = max(1, math.ceil(rows / size))
    return 1 if pages == 1 or rng.random() < 0.5 else rng.randint(2, pages)


def plan(
    members: Sequence[Member],
    *,
    rng: random.Random,
    queue_lengths: Sequence[int] = (400, 2000),
    probe: Callable[[Member, str], int] | None = None,
    read_queries: int = READ_QUERIES,
) -> Plan:
    """The request file's lines for *members* (see the module's docstring); *probe* counts
    the rows of a member's API list query (by default, through the API itself)."""
    probe = probe or _probe_api
    api_list = reverse("api:task-list")
    by_tenant: dict[int, list[Member]] = {}
    for member in members:
        by_tenant.setdefault(member.membership.tenant_id, []).append(member)
    assignees = {t: [m.membership.pk for m in ms] for t, ms in by_tenant.items()}

    reads = []
    for _ in range(read_queries):
        member = rng.choice(members)
        filters = _random_filters(rng, assignees[member.membership.tenant_id])
        ordering = rng.choice((None, *ORDERINGS, *(f"-{o}" for o in ORDERINGS)))
        size = rng.choice(PAGE_SIZES)
        api_query = {**filters, **({"ordering": ordering} if ordering else {})}
        rows = probe(member, f"{api_list}?{urlencode({**api_query, 'page_size': size})}")
        reads.append((member, filters, ordering, size, rows))

    slots: list[Request] = []
    for _ in range(MIX["api_list"]):
        member, filters, ordering, size, rows = rng.choice(reads)
        query = {**filters, **({"ordering": ordering} if ordering else {})}
        query |= {"page": str(_page(rng, rows, size)), "page_size": str(size)}
        slots.append(
            Request(
                "api_list", "GET", f"{api_list}?{urlencode(query)}", "", member.headers["token"]
            )
        )
    for _ in range(MIX["page"]):
        member, filters, ordering, size, rows = rng.choice(reads)
        sees_all = policy.can(member.membership, VIEW_ALL)
        path = reverse("tasks:task_all" if sees_all else "tasks:task_list")
        query = {**filters, **({"sort": ordering} if ordering else {})}
        query |= {"page": str(_page(rng, rows, size)), "page_size": str(size)}
        slots.append(
            Request("page", "GET", f"{path}?{urlencode(query)}", "", member.headers["session"])
        )

    priorities = _choices("priority")
    creators = [m for m in members if policy.can(m.membership, ADD)]
    for _ in range(MIX["create"]):
        member = rng.choice(creators)
        body = json.dumps({"title": "Bench task {n}", "priority": rng.choice(priorities)})
        slots.append(Request("create", "POST", api_list, body, _json(member)))

    tasks = list(
        Task.objects.unscoped()
        .filter(tenant_id__in=list(by_tenant))
        .exclude(title__startswith="Bench task ")
        .only("id", "tenant_id", "owner_id", "assignee_id", "status")
        .order_by("pk")
    )
    rng.shuffle(tasks)
    edits = []
    for task in tasks[:200]:
        editors = [m for m in by_tenant[task.tenant_id] if policy.can(m.membership, CHANGE, task)]
        if editors:
            edits.append((rng.choice(editors), task))
    edits = [rng.choice(edits) for _ in range(MIX["update"])] if edits else []
    for member, task in edits:
        body = json.dumps({"priority": rng.choice(priorities), "description": "edited {n}"})
        path = reverse("api:task-detail", args=[task.pk])
        slots.append(Request("update", "PATCH", path, body, _json(member)))
    slots += [Request("transition", QUEUED, "-")] * MIX["transition"]

    # Transitions: each task once over all the queues, each move possible from its state.
    workflow = Task._meta.get_field("status").workflow
    moves: list[Request] = []
    wanted = sum(queue_lengths)
    for task in tasks:
        if len(moves) >= wanted:
            break
        rng.shuffle(by_tenant[task.tenant_id])
        for member in by_tenant[task.tenant_id]:
            possible = [
                t
                for t in workflow.leaving(task.status)
                if (t.codename is None or policy.can(member.membership, t.codename, task))
                and not t.blocked_by(task, member.membership)
                and not t.required_fields
            ]
            if possible:
                move = rng.choice(possible)
                path = reverse("api:task-transition", args=[task.pk])
                body = json.dumps({"transition": move.name})
                moves.append(Request("transition", "POST", path, body, _json(member)))
                break
    queues, start = [], 0
    for length in queue_lengths:
        queues.append(moves[start : start + length])
        start += length
    kinds: dict[str, int] = {}
    for member in members:
        kinds[member.kind] = kinds.get(member.kind, 0) + 1
    rng.shuffle(slots)
    return Plan(slots, queues, len(members), len(by_tenant), kinds)


def _json(member: Member) -> tuple[tuple[str, str], ...]:
    return (*member.headers["token"], ("Content-Type", "application/json"))


def _probe_api(member: Member, path: str) -> int:
    """The row count of *member*'s API list at *path*, asked of the API."""
    client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {member.token}")
    response = client.get(path, secure=True)
    if response.status_code != 200:
        raise SystemExit(
            f"bench: the mixed scenario's read {path} answered {response.status_code} for "
            f"{member.membership.user.email}: {response.content[:300]!r}"
        )
    return int(response.json()["count"])
