"""Custom roles, built-in roles and templates: what an Admin can and cannot do to roles."""

import pytest

from opsbase.core.exceptions import NotFound, PermissionDenied, ValidationError
from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.models import Role
from opsbase.kernel.roles.services import (
    role_create,
    role_create_from_template,
    role_delete,
    role_update,
    roles_ensure_defaults,
)
from opsbase.kernel.tenants.models import Membership
from opsbase.testing.factories import MembershipFactory, role_of

SOME = ["tenants.manage_invitations", "audit.view_auditevent"]


def test_an_admin_creates_a_custom_role_with_known_codenames(world):
    admin = world.members["admin"]
    role = role_create(membership=admin, name=" Inspector ", permissions=SOME, description="QC")
    role.refresh_from_db()
    assert (role.name, role.slug, role.kind, role.is_builtin) == (
        "Inspector",
        "inspector",
        RoleKind.CUSTOM,
        False,
    )
    assert role.tenant_id == world.home.pk
    assert role.permissions == sorted(SOME)


def test_a_custom_role_grants_exactly_its_codenames(world):
    role = role_create(membership=world.members["admin"], name="Inviter", permissions=SOME)
    holder = MembershipFactory(tenant=world.home, role=role)
    assert policy.can(holder, "tenants.manage_invitations")
    assert not policy.can(holder, "tenants.manage_members")


@pytest.mark.parametrize("kind", ["manager", "user"])
def test_only_roles_with_manage_roles_may_create_roles(world, kind):
    with pytest.raises(PermissionDenied, match="Only an Admin can manage roles"):
        role_create(membership=world.members[kind], name="Sneaky", permissions=SOME)
    assert not Role.objects.for_tenant(world.home).filter(name="Sneaky").exists()


def test_a_duplicate_name_is_refused_whatever_its_case(world):
    admin = world.members["admin"]
    role_create(membership=admin, name="Inspector")
    with pytest.raises(ValidationError) as caught:
        role_create(membership=admin, name="inspector")
    assert "already exists" in caught.value.extra["fields"]["name"][0]


def test_the_same_name_is_fine_in_another_tenant(world):
    role_create(membership=world.members["admin"], name="Inspector")
    other = role_create(membership=world.away_members["admin"], name="Inspector")
    assert other.tenant_id == world.away.pk


def test_an_unknown_codename_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        role_create(membership=world.members["admin"], name="X", permissions=["nope.do_it"])
    assert "nope.do_it" in caught.value.extra["fields"]["permissions"][0]


def test_an_empty_name_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        role_create(membership=world.members["admin"], name="   ")
    assert "name" in caught.value.extra["fields"]


def test_renaming_a_custom_role_updates_its_slug(world):
    admin = world.members["admin"]
    role = role_create(membership=admin, name="Inspector")
    role_update(membership=admin, role=role, name="Senior inspector", permissions=SOME[:1])
    role.refresh_from_db()
    assert (role.name, role.slug, role.permissions) == (
        "Senior inspector",
        "senior-inspector",
        SOME[:1],
    )


def test_a_built_in_role_cannot_be_renamed(world):
    manager_role = role_of(world.home, RoleKind.MANAGER)
    with pytest.raises(ValidationError, match="cannot be renamed"):
        role_update(membership=world.members["admin"], role=manager_role, name="Boss")
    manager_role.refresh_from_db()
    assert manager_role.name == "Manager"


def test_a_built_in_role_keeps_its_name_while_its_permissions_change(world):
    manager_role = role_of(world.home, RoleKind.MANAGER)
    role_update(
        membership=world.members["admin"], role=manager_role, name="Manager", permissions=SOME
    )
    manager_role.refresh_from_db()
    assert manager_role.permissions == sorted(SOME)
    assert manager_role.kind == RoleKind.MANAGER


def test_the_admin_role_always_holds_every_permission(world):
    admin_role = role_of(world.home, RoleKind.ADMIN)
    with pytest.raises(ValidationError, match="every permission"):
        role_update(membership=world.members["admin"], role=admin_role, permissions=SOME)
    admin_role.refresh_from_db()
    assert admin_role.permissions == policy.codenames()


def test_updating_another_tenants_role_is_not_found(world):
    foreign = role_of(world.away, RoleKind.MANAGER)
    with pytest.raises(NotFound):
        role_update(membership=world.members["admin"], role=foreign, description="x")


def test_deleting_an_unused_custom_role(world):
    admin = world.members["admin"]
    role = role_create(membership=admin, name="Temp")
    role_delete(membership=admin, role=role)
    assert not Role.objects.for_tenant(world.home).filter(pk=role.pk).exists()


def test_a_role_that_members_hold_cannot_be_deleted(world):
    admin = world.members["admin"]
    role = role_create(membership=admin, name="Held")
    MembershipFactory(tenant=world.home, role=role)
    with pytest.raises(ValidationError, match="1 member"):
        role_delete(membership=admin, role=role)
    assert Role.objects.for_tenant(world.home).filter(pk=role.pk).exists()


def test_a_role_offered_by_an_open_invitation_cannot_be_deleted(world):
    from opsbase.kernel.tenants.services import invitation_create

    admin = world.members["admin"]
    role = role_create(membership=admin, name="Offered")
    invitation_create(membership=admin, email="new@x.test", role=role, site_url="http://t/")
    with pytest.raises(ValidationError, match="open invitation"):
        role_delete(membership=admin, role=role)


def test_a_role_of_a_revoked_invitation_can_be_deleted(world):
    from opsbase.kernel.tenants.services import invitation_create, invitation_revoke

    admin = world.members["admin"]
    role = role_create(membership=admin, name="Offered")
    invitation = invitation_create(
        membership=admin, email="new@x.test", role=role, site_url="http://t/"
    )
    invitation_revoke(membership=admin, invitation=invitation)
    role_delete(membership=admin, role=role)
    assert not Role.objects.for_tenant(world.home).filter(pk=role.pk).exists()


@pytest.mark.parametrize("kind", ["admin", "manager", "user"])
def test_built_in_roles_cannot_be_deleted(world, kind):
    with pytest.raises(ValidationError, match="cannot be deleted"):
        role_delete(membership=world.members["admin"], role=role_of(world.home, kind))


def test_a_manager_cannot_delete_a_role(world):
    role = role_create(membership=world.members["admin"], name="Temp")
    with pytest.raises(PermissionDenied):
        role_delete(membership=world.members["manager"], role=role)


def test_a_template_becomes_a_custom_role_with_installed_codenames_only(world):
    role = role_create_from_template(membership=world.members["admin"], slug="administrator")
    assert role.name == "Administrator"
    assert role.kind == RoleKind.CUSTOM
    template = next(t for t in policy.templates() if t["slug"] == "administrator")
    assert role.permissions == sorted(template["permissions"])
    assert set(role.permissions) <= set(policy.codenames())
    assert "roles.manage_roles" in role.permissions


def test_every_template_can_be_applied(world):
    for template in policy.templates():
        role = role_create_from_template(membership=world.members["admin"], slug=template["slug"])
        assert role.name == str(template["name"])


def test_a_template_can_be_applied_under_another_name(world):
    admin = world.members["admin"]
    role_create_from_template(membership=admin, slug="technician")
    second = role_create_from_template(membership=admin, slug="technician", name="Night shift")
    assert second.name == "Night shift"
    with pytest.raises(ValidationError, match="already exists"):
        role_create_from_template(membership=admin, slug="technician")


def test_an_unknown_template_is_not_found(world):
    with pytest.raises(NotFound):
        role_create_from_template(membership=world.members["admin"], slug="astronaut")


def test_a_user_cannot_apply_a_template(world):
    with pytest.raises(PermissionDenied):
        role_create_from_template(membership=world.members["user"], slug="technician")


def test_ensure_defaults_keeps_a_tenants_choice_of_manager_permissions(world):
    manager_role = role_of(world.home, RoleKind.MANAGER)
    role_update(membership=world.members["admin"], role=manager_role, permissions=SOME)
    roles_ensure_defaults(tenant=world.home)
    manager_role.refresh_from_db()
    assert manager_role.permissions == sorted(SOME)
    roles_ensure_defaults(tenant=world.home, reset=True)
    manager_role.refresh_from_db()
    assert manager_role.permissions == policy.default_permissions(RoleKind.MANAGER)


def test_ensure_defaults_repairs_a_tampered_admin_role(world):
    admin_role = role_of(world.home, RoleKind.ADMIN)
    Role.objects.for_tenant(world.home).filter(pk=admin_role.pk).update(name="Boss", permissions=[])
    roles_ensure_defaults(tenant=world.home)
    admin_role.refresh_from_db()
    assert (admin_role.name, admin_role.permissions) == ("Admin", policy.codenames())
    assert Membership.objects.for_tenant(world.home).filter(role=admin_role).count() == 1
