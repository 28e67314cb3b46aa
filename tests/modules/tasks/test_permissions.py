"""The task rules: each rule's object check and list filter agree, for every role and relation."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.services import role_create
from opsbase.modules.tasks.constants import ADD, CHANGE, CHANGE_STATUS, DELETE, VIEW, VIEW_ALL
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.selectors import task_list
from opsbase.testing.factories import MembershipFactory, UserFactory

CODENAMES = (VIEW, CHANGE, CHANGE_STATUS, DELETE)


def test_the_codenames_are_registered_for_custom_roles():
    assert {VIEW, VIEW_ALL, ADD, CHANGE, CHANGE_STATUS, DELETE} <= set(policy.codenames())


def test_built_in_roles_get_the_documented_defaults():
    assert set(policy.default_permissions(RoleKind.USER)) >= {VIEW, ADD, CHANGE, DELETE}
    assert VIEW_ALL not in policy.default_permissions(RoleKind.USER)
    assert VIEW_ALL in policy.default_permissions(RoleKind.MANAGER)


@pytest.fixture
def tasks_by_relation(world, make_task):
    """One task per way a member can relate to it, in the home tenant."""
    user = world.members[RoleKind.USER]
    return {
        "owned": make_task(user, title="Owned by the user"),
        "assigned": make_task(world.spare, title="Assigned to the user", assignee=user),
        "unrelated": make_task(world.spare, title="Someone else's"),
    }


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from([RoleKind.ADMIN, RoleKind.MANAGER, RoleKind.USER]),
    codename=st.sampled_from(CODENAMES),
)
def test_the_object_check_and_the_list_filter_agree(world, tasks_by_relation, kind, codename):
    member = world.members[kind]
    rows = Task.objects.for_tenant(world.home)

    in_list = set(policy.scope(member, codename, rows).values_list("pk", flat=True))
    allowed = {t.pk for t in tasks_by_relation.values() if policy.can(member, codename, t)}

    assert in_list == allowed


@pytest.mark.parametrize(
    ("relation", "expected"),
    [
        ("owned", {VIEW, CHANGE, CHANGE_STATUS, DELETE}),
        ("assigned", {VIEW, CHANGE_STATUS}),
        ("unrelated", set()),
    ],
)
def test_a_user_acts_on_own_tasks_and_moves_assigned_ones(
    world, tasks_by_relation, relation, expected
):
    user = world.members[RoleKind.USER]
    task = tasks_by_relation[relation]

    assert {c for c in CODENAMES if policy.can(user, c, task)} == expected


@pytest.mark.parametrize("kind", [RoleKind.ADMIN, RoleKind.MANAGER])
def test_admins_and_managers_act_on_every_task_of_their_organization(
    world, tasks_by_relation, kind
):
    member = world.members[kind]

    for task in tasks_by_relation.values():
        assert all(policy.can(member, c, task) for c in CODENAMES)


def test_another_organizations_task_is_not_found_for_everyone(world, make_task):
    foreign = make_task(world.away_members[RoleKind.ADMIN])

    for member in world.members.values():
        decision = policy.decide(member, VIEW, foreign)
        assert decision.not_found and not decision.allowed


def test_a_denial_gives_its_reason(world, tasks_by_relation):
    user = world.members[RoleKind.USER]

    decision = policy.decide(user, CHANGE, tasks_by_relation["assigned"])

    assert decision.reason == "Only the owner or a Manager can edit this task."


def test_a_custom_role_with_view_all_sees_every_task_but_edits_only_its_own(
    world, tasks_by_relation
):
    admin = world.members[RoleKind.ADMIN]
    role = role_create(
        membership=admin, name="Supervisor", description="", permissions=[VIEW, VIEW_ALL, CHANGE]
    )
    supervisor = MembershipFactory(tenant=world.home, role=role, user=UserFactory())

    seen = {t.title for t in task_list(membership=supervisor)}

    assert seen == {t.title for t in tasks_by_relation.values()}
    assert not policy.can(supervisor, CHANGE, tasks_by_relation["unrelated"])
