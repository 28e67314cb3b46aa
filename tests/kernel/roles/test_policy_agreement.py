"""A list and a single object always agree: ``policy.scope`` keeps exactly what ``policy.can``
allows, for roles, memberships and invitations, whatever role the caller holds."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsbase.kernel.policy import policy
from opsbase.kernel.roles.models import Role
from opsbase.kernel.roles.selectors import role_list
from opsbase.kernel.tenants.models import Invitation, Membership
from opsbase.kernel.tenants.selectors import invitation_list, membership_list
from opsbase.kernel.tenants.services import invitation_create
from opsbase.testing.factories import MembershipFactory, role_of

CODENAMES = ["roles.manage_roles", "tenants.manage_members", "tenants.manage_invitations"]
_n = itertools.count()


def actor_for(world, data):
    """A built-in member of either tenant, or a fresh member with a custom set of codenames."""
    choice = data.draw(st.sampled_from(["admin", "manager", "user", "custom"]), label="actor")
    tenant = data.draw(st.sampled_from([world.home, world.away]), label="tenant")
    members = world.members if tenant == world.home else world.away_members
    if choice != "custom":
        actor = members[choice]
    else:
        codes = data.draw(st.lists(st.sampled_from(CODENAMES), unique=True), label="codes")
        n = next(_n)
        role = Role.objects.create(tenant=tenant, name=f"C{n}", slug=f"c{n}", permissions=codes)
        actor = MembershipFactory(tenant=tenant, role=role)
    # In memory only (the world's rows are shared by every example): set it either way.
    actor.is_active = not data.draw(st.booleans(), label="deactivated")
    return actor


def agree(actor, codename, model, every):
    scoped = set(policy.scope(actor, codename, model.objects.unscoped().all()))
    allowed = {obj for obj in every if policy.can(actor, codename, obj)}
    assert scoped == allowed


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_scope_and_can_agree(world, data):
    actor = actor_for(world, data)
    for codename in CODENAMES:
        agree(actor, codename, Role, list(Role.objects.unscoped().all()))
        agree(actor, codename, Membership, list(Membership.objects.unscoped().all()))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_list_selectors_hold_exactly_what_can_allows(world, data):
    actor = actor_for(world, data)
    for tenant_admin in (world.members["admin"], world.away_members["admin"]):
        if not Invitation.objects.for_tenant(tenant_admin.tenant).exists():
            invitation_create(
                membership=tenant_admin,
                email=f"agree{next(_n)}@example.test",
                role=role_of(tenant_admin.tenant, "user"),
                site_url="http://t/",
            )
    pairs = [
        (role_list, "roles.manage_roles", Role),
        (membership_list, "tenants.manage_members", Membership),
        (invitation_list, "tenants.manage_invitations", Invitation),
    ]
    for selector, codename, model in pairs:
        listed = set(selector(membership=actor))
        every = model.objects.unscoped().all()
        assert listed == {o for o in every if policy.can(actor, codename, o)}, codename
