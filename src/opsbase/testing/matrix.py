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


# -- a module's whole matrix, generated from its declaration ------------------------------------


@dataclass
class Case:
    """One page or API action of a module, and how the policy decides who may use it.

    The expected answer of a cell follows from the policy itself: another tenant's object is
    404 for everyone; otherwise *ok* when every codename allows the actor (on the object, when
    the action takes one), else 403. The generator thus checks that every page and action asks
    the policy the module declares, and no more; the module's own tests still spell out the
    matrices that matter to its users.
    """

    name: str
    request: Callable[[Any, Any], Any]
    codenames: tuple[str, ...]
    ok: int
    login: Callable[[Any], Any] = session_client
    on_object: bool = True
    html: bool = False

    def __str__(self) -> str:
        return self.name

    def expected(self, actor, obj, relation: str) -> int:
        from opsbase.kernel.policy import policy

        if relation == "foreign" and self.on_object:
            return 404
        target = obj if self.on_object else None
        allowed = all(policy.can(actor, codename, target) for codename in self.codenames)
        return self.ok if allowed else 403

    def check(
        self,
        world: World,
        *,
        make: Callable[[Any], Any],
        involve: Callable[[Any, Any], Any] | None = None,
    ) -> None:
        """Every role × own / other / foreign cell, each with a fresh object from *make*;
        with *involve(obj, actor)* (the actor made the other member's object's assignee, say)
        an ``involved`` cell too, where seeing and changing part ways. Every HTML page
        answered 200 goes through the HTML checker. Fails once, with every mismatch."""
        from .html import html_problems

        relations = [*RELATIONS, "involved"] if involve is not None else list(RELATIONS)
        failures = []
        for kind in ROLES:
            actor = world.members[kind]
            client = self.login(actor)
            for relation in relations:
                if relation == "involved" and involve is not None:
                    obj = involve(make(world.spare), actor)
                else:
                    obj = make(world.owner_for(kind, relation))
                wanted = self.expected(actor, obj, relation)
                response = self.request(client, obj)
                if response.status_code != wanted:
                    failures.append(
                        f"  {kind:<8} {relation:<8} expected {wanted}, got {response.status_code}"
                    )
                elif self.html and response.status_code == 200:
                    problems = html_problems(response.content)
                    failures += [f"  {kind:<8} {relation:<8} HTML: {p}" for p in problems]
        assert not failures, f"{self.name}:\n" + "\n".join(failures)


def _first_move(model) -> Any:
    """The first transition out of *model*'s initial state that needs no input."""
    from opsbase.kernel.workflows import workflow_of

    workflow = workflow_of(model)
    for transition in workflow.transitions:
        if (
            transition.leaves(next(iter(workflow.initial)))
            and not transition.required_fields
            and transition.guard is None
        ):
            return transition
    return None


def module_cases(
    *,
    pages=None,
    viewset=None,
    form_data: dict | None = None,
    api_data: dict | None = None,
) -> list[Case]:
    """The cases of every page of *pages* (``opsbase.kit.views.Pages``) and every action of
    *viewset* (``opsbase.kit.api.TenantModelViewSet``)::

        @pytest.mark.parametrize("case", module_cases(pages=TaskPages, viewset=TaskViewSet,
                                 form_data={...}, api_data={...}), ids=str)
        def test_every_page_and_action(world, make_task, case):
            case.check(world, make=make_task)

    *form_data* is a valid POST of the record's form, *api_data* a valid JSON body of the
    API (create and update).
    """
    from django.urls import reverse

    from .api import token_client

    cases: list[Case] = []
    entity = (pages or viewset).entity
    codes = entity.codenames
    spec = entity.rows
    move = _first_move(entity.model) if entity.state_field else None

    def url(page: str):
        return lambda obj: reverse(spec.url_name(page), args=[obj.pk])

    if pages is not None:
        app = entity.model._meta.app_label
        for page in pages.lists:
            path = reverse(f"{app}:{page.name}")

            def listing_page(c: Any, o: Any, path: str = path) -> Any:
                return c.get(path)

            cases.append(
                Case(
                    f"page {page.name}",
                    listing_page,
                    (page.codename,),
                    200,
                    on_object=False,
                    html=True,
                )
            )
        new = reverse(spec.url_name("create"))
        cases.append(
            Case(
                "page create",
                lambda c, o: c.get(new),
                (codes.add,),
                200,
                on_object=False,
                html=True,
            )
        )
        if pages.import_fields:
            imports = reverse(spec.url_name("import"))
            cases.append(
                Case(
                    "page import",
                    lambda c, o: c.get(imports),
                    (codes.add,),
                    200,
                    on_object=False,
                    html=True,
                )
            )
        detail, edit, delete = url("detail"), url("edit"), url("delete")
        cases += [
            Case("page detail", lambda c, o: c.get(detail(o)), (codes.view,), 200, html=True),
            Case(
                "page edit", lambda c, o: c.get(edit(o)), (codes.view, codes.change), 200, html=True
            ),
            Case(
                "page edit (post)",
                lambda c, o: c.post(edit(o), form_data or {}),
                (codes.view, codes.change),
                302,
            ),
            Case(
                "page delete",
                lambda c, o: c.get(delete(o)),
                (codes.view, codes.delete),
                200,
                html=True,
            ),
            Case(
                "page delete (post)",
                lambda c, o: c.post(delete(o)),
                (codes.view, codes.delete),
                302,
            ),
        ]
        if move is not None:
            moving = url("transition")
            cases.append(
                Case(
                    f"page transition {move.name}",
                    lambda c, o: c.post(moving(o), {"transition": move.name}),
                    (codes.view, move.codename),
                    302,
                )
            )
    if viewset is not None:
        name = entity.model._meta.model_name
        listing = reverse(f"api:{name}-list")

        def one(o, action="detail"):
            return reverse(f"api:{name}-{action}", args=[o.pk])

        body = api_data or {}
        api: dict[str, Any] = {"login": token_client}
        cases += [
            Case(
                "api list", lambda c, o: c.get(listing), (codes.view,), 200, on_object=False, **api
            ),
            Case(
                "api create",
                lambda c, o: c.post(listing, body, format="json"),
                (codes.add,),
                201,
                on_object=False,
                **api,
            ),
            Case("api retrieve", lambda c, o: c.get(one(o)), (codes.view,), 200, **api),
            Case(
                "api update",
                lambda c, o: c.put(one(o), body, format="json"),
                (codes.view, codes.change),
                200,
                **api,
            ),
            Case(
                "api partial_update",
                lambda c, o: c.patch(one(o), body, format="json"),
                (codes.view, codes.change),
                200,
                **api,
            ),
            Case(
                "api destroy", lambda c, o: c.delete(one(o)), (codes.view, codes.delete), 204, **api
            ),
        ]
        if move is not None:
            cases.append(
                Case(
                    f"api transition {move.name}",
                    lambda c, o: c.post(one(o, "transition"), {"transition": move.name}),
                    (codes.view, move.codename),
                    200,
                    **api,
                )
            )
    return cases
