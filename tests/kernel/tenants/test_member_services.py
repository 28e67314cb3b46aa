"""Changing roles and (de)activating members: who may, and the last-Admin guard."""

import pytest

from opsbase.core.exceptions import NotFound, PermissionDenied, ValidationError
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.services import role_create
from opsbase.kernel.tenants.models import Membership
from opsbase.kernel.tenants.services import (
    membership_add,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
)
from opsbase.testing.factories import MembershipFactory, UserFactory, role_of


def reload(m):
    return Membership.objects.for_tenant(m.tenant_id).select_related("role").get(pk=m.pk)


def test_an_admin_changes_a_members_role(world):
    target = world.members["user"]
    membership_change_role(
        membership=world.members["admin"], target=target, role=role_of(world.home, "manager")
    )
    assert reload(target).role.kind == RoleKind.MANAGER


def test_a_custom_role_can_be_given(world):
    custom = role_create(membership=world.members["admin"], name="Inspector")
    membership_change_role(membership=world.members["admin"], target=world.spare, role=custom)
    assert reload(world.spare).role_id == custom.pk


@pytest.mark.parametrize("kind", ["manager", "user"])
def test_managers_and_users_cannot_change_roles(world, kind):
    with pytest.raises(PermissionDenied, match="Only an Admin can manage the members"):
        membership_change_role(
            membership=world.members[kind], target=world.spare, role=role_of(world.home, "admin")
        )
    assert reload(world.spare).role.kind == RoleKind.USER


def test_another_tenants_member_is_not_found(world):
    with pytest.raises(NotFound):
        membership_change_role(
            membership=world.members["admin"],
            target=world.away_members["user"],
            role=role_of(world.home, "manager"),
        )


def test_another_tenants_role_cannot_be_given(world):
    with pytest.raises(ValidationError, match="role of this organization"):
        membership_change_role(
            membership=world.members["admin"],
            target=world.spare,
            role=role_of(world.away, "admin"),
        )
    assert reload(world.spare).tenant_id == world.home.pk


def test_the_last_active_admin_cannot_be_demoted(world):
    admin = world.members["admin"]
    with pytest.raises(ValidationError, match="last active Admin"):
        membership_change_role(membership=admin, target=admin, role=role_of(world.home, "user"))
    assert reload(admin).role.kind == RoleKind.ADMIN


def test_an_admin_can_step_down_when_another_admin_remains(world):
    admin = world.members["admin"]
    MembershipFactory(tenant=world.home, kind=RoleKind.ADMIN)
    membership_change_role(membership=admin, target=admin, role=role_of(world.home, "manager"))
    assert reload(admin).role.kind == RoleKind.MANAGER


def test_an_inactive_admin_does_not_count_as_the_remaining_admin(world):
    admin = world.members["admin"]
    MembershipFactory(tenant=world.home, kind=RoleKind.ADMIN, is_active=False)
    with pytest.raises(ValidationError, match="last active Admin"):
        membership_change_role(membership=admin, target=admin, role=role_of(world.home, "user"))


def test_deactivating_and_reactivating_a_member(world):
    admin, target = world.members["admin"], world.members["user"]
    membership_deactivate(membership=admin, target=target)
    assert reload(target).is_active is False
    membership_reactivate(membership=admin, target=target)
    target = reload(target)
    assert target.is_active is True
    assert target.role.kind == RoleKind.USER


def test_the_last_active_admin_cannot_be_deactivated(world):
    admin = world.members["admin"]
    second = MembershipFactory(tenant=world.home, kind=RoleKind.ADMIN)
    membership_deactivate(membership=admin, target=second)
    with pytest.raises(ValidationError, match="last active Admin"):
        membership_deactivate(membership=second, target=admin)  # second is inactive now
    assert reload(admin).is_active is True


def test_the_remaining_admin_cannot_deactivate_themselves(world):
    admin = world.members["admin"]
    second = MembershipFactory(tenant=world.home, kind=RoleKind.ADMIN)
    membership_deactivate(membership=second, target=admin)
    with pytest.raises(ValidationError, match="own membership"):
        membership_deactivate(membership=second, target=second)
    assert reload(second).is_active is True


def test_nobody_deactivates_themselves(world):
    admin = world.members["admin"]
    MembershipFactory(tenant=world.home, kind=RoleKind.ADMIN)
    with pytest.raises(ValidationError, match="own membership"):
        membership_deactivate(membership=admin, target=admin)


@pytest.mark.parametrize("kind", ["manager", "user"])
def test_managers_and_users_cannot_deactivate(world, kind):
    with pytest.raises(PermissionDenied):
        membership_deactivate(membership=world.members[kind], target=world.spare)
    assert reload(world.spare).is_active is True


def test_a_deactivated_admin_acts_no_more(world):
    admin = world.members["admin"]
    second = MembershipFactory(tenant=world.home, kind=RoleKind.ADMIN)
    membership_deactivate(membership=admin, target=second)
    with pytest.raises(PermissionDenied):
        membership_deactivate(membership=reload(second), target=world.spare)


def test_a_custom_member_manager_cannot_make_anyone_admin(world):
    admin = world.members["admin"]
    people = role_create(membership=admin, name="People", permissions=["tenants.manage_members"])
    hr = MembershipFactory(tenant=world.home, role=people)
    with pytest.raises(PermissionDenied, match="Only an Admin"):
        membership_change_role(membership=hr, target=hr, role=role_of(world.home, "admin"))
    with pytest.raises(PermissionDenied, match="Only an Admin"):
        membership_deactivate(membership=hr, target=admin)
    membership_change_role(membership=hr, target=world.spare, role=role_of(world.home, "manager"))
    assert reload(world.spare).role.kind == RoleKind.MANAGER


def test_adding_an_existing_user_directly(world):
    user = UserFactory()
    member = membership_add(membership=world.members["admin"], user=user, role_kind="manager")
    assert reload(member).role.kind == RoleKind.MANAGER
    with pytest.raises(ValidationError, match="already a member"):
        membership_add(membership=world.members["admin"], user=user)
