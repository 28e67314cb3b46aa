"""The isolation-and-permission matrix: every role × own / other member's / other tenant's object.

A module applies it to each of its URLs and API actions::

    from opsbase.testing.matrix import AccessMatrix, build_world

    def test_task_edit_matrix(db):
        world = build_world()
        AccessMatrix(
            make=lambda owner: task_create(membership=owner, title="Check pumps"),
            request=lambda client, task: client.post(f"/tasks/{task.pk}/edit/", {...}),
            expect={
                "admin":   {"own": 302, "other": 302, "foreign": 404},
                "manager": {"own": 302, "other": 302, "foreign": 404},
                "user":    {"own": 302, "other": 403, "foreign": 404},
            },
        ).check(world)

``make(owner)`` builds a fresh object owned by the *owner* membership for every cell, so
writes in one cell cannot change another's outcome. Every mismatch is collected and the test
fails once with the whole table of differences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from opsbase.kernel.roles.constants import RoleKind

from .factories import MembershipFactory, TenantFactory, UserFactory

ROLES = (RoleKind.ADMIN, RoleKind.MANAGER, RoleKind.USER)
RELATIONS = ("own", "other", "foreign")


@dataclass
class World:
    """Two tenants, each with one member of every built-in role (plus a spare User)."""

    home: Any
    away: Any
    members: dict[str, Any] = field(default_factory=dict)
    away_members: dict[str, Any] = field(default_factory=dict)
    spare: Any = None

    def owner_for(self, actor_kind: str, relation: str):
        """The membership that owns the object in the cell (actor_kind, relation)."""
        actor = self.members[actor_kind]
        if relation == "own":
            return actor
        if relation == "other":
            # Another member of the same tenant: the spare User, so it is never the actor.
            return self.spare
        if relation == "foreign":
            return self.away_members[RoleKind.ADMIN]
        raise ValueError(f"Unknown relation {relation!r}; use one of {RELATIONS}.")


def build_world(home_name: str = "Acme", away_name: str = "Globex") -> World:
    home = TenantFactory(name=home_name, slug=home_name.lower())
    away = TenantFactory(name=away_name, slug=away_name.lower())
    world = World(home=home, away=away)
    for kind in ROLES:
        world.members[kind] = MembershipFactory(
            tenant=home, kind=kind, user=UserFactory(email=f"{kind}@{home.slug}.test")
        )
        world.away_members[kind] = MembershipFactory(
            tenant=away, kind=kind, user=UserFactory(email=f"{kind}@{away.slug}.test")
        )
    world.spare = MembershipFactory(
        tenant=home, kind=RoleKind.USER, user=UserFactory(email=f"other@{home.slug}.test")
    )
    return world


def session_client(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session["opsbase_tenant_id"] = membership.tenant_id
    session.save()
    return client


@dataclass
class AccessMatrix:
    make: Callable[[Any], Any]
    request: Callable[[Any, Any], Any]
    expect: dict[str, dict[str, int | tuple[int, ...]]]
    login: Callable[[Any], Any] = session_client

    def check(self, world: World) -> None:
        missing = [
            f"{kind}/{relation}"
            for kind in ROLES
            for relation in RELATIONS
            if relation not in self.expect.get(kind, {})
        ]
        assert not missing, f"The matrix must state every cell; missing: {', '.join(missing)}"
        failures = []
        for kind in ROLES:
            actor = world.members[kind]
            client = self.login(actor)
            for relation in RELATIONS:
                obj = self.make(world.owner_for(kind, relation))
                response = self.request(client, obj)
                wanted = self.expect[kind][relation]
                allowed = wanted if isinstance(wanted, tuple) else (wanted,)
                if response.status_code not in allowed:
                    failures.append(
                        f"  {kind:<8} {relation:<8} expected {wanted}, got {response.status_code}"
                    )
        assert not failures, "Access matrix mismatches:\n" + "\n".join(failures)
