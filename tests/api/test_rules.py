"""The api.manage_tokens rule: the list (scope) and each token (can) always agree."""

import pytest

from opsbase.api.models import ApiToken
from opsbase.api.rules import MANAGE_TOKENS
from opsbase.kernel.policy import policy
from opsbase.kernel.roles.services import role_create, roles_ensure_defaults
from opsbase.testing.api import token_for
from opsbase.testing.factories import MembershipFactory


@pytest.fixture
def tokens(world):
    for member in [*world.members.values(), *world.away_members.values(), world.spare]:
        token_for(member)
    return list(ApiToken.objects.unscoped().all())


def actors(world):
    custom_with = role_create(
        membership=world.members["admin"], name="Scripted", permissions=[MANAGE_TOKENS]
    )
    custom_without = role_create(membership=world.members["admin"], name="Plain", permissions=[])
    return [
        *world.members.values(),
        *world.away_members.values(),
        world.spare,
        MembershipFactory(tenant=world.home, role=custom_with),
        MembershipFactory(tenant=world.home, role=custom_without),
    ]


def test_scope_and_can_agree_for_every_role(world, tokens):
    for actor in actors(world):
        scoped = set(policy.scope(actor, MANAGE_TOKENS, ApiToken.objects.unscoped().all()))
        allowed = {t for t in tokens if policy.can(actor, MANAGE_TOKENS, t)}
        assert scoped == allowed, actor.role.name


def test_who_reaches_which_tokens(world, tokens):
    def reach(actor):
        return {
            t.membership_id
            for t in policy.scope(actor, MANAGE_TOKENS, ApiToken.objects.unscoped().all())
        }

    home = {m.pk for m in world.members.values()} | {world.spare.pk}
    assert reach(world.members["admin"]) == home
    assert reach(world.members["manager"]) == {world.members["manager"].pk}
    assert reach(world.members["user"]) == {world.members["user"].pk}


def test_built_in_roles_hold_the_codename_by_default(world):
    roles = roles_ensure_defaults(tenant=world.home)
    for kind in ("admin", "manager", "user"):
        assert roles[kind].grants(MANAGE_TOKENS), kind
