"""``ensure_default_roles``: creates what is missing, repairs what was changed, then no-ops."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.models import Role
from opsbase.kernel.tenants.models import Tenant


def run(*args) -> str:
    out = StringIO()
    call_command("ensure_default_roles", *args, stdout=out)
    return out.getvalue()


def state():
    return sorted(
        Role.objects.unscoped().values_list(
            "tenant__slug", "slug", "name", "kind", "permissions", "is_builtin", "updated_at"
        )
    )


def test_it_creates_the_built_in_roles_of_a_tenant_that_has_none(db):
    tenant = Tenant.objects.create(name="Initech", slug="initech")
    output = run("--tenant", "initech")
    roles = Role.objects.for_tenant(tenant)
    assert {r.kind for r in roles} == {RoleKind.ADMIN, RoleKind.MANAGER, RoleKind.USER}
    assert roles.get(kind=RoleKind.ADMIN).permissions == policy.codenames()
    assert "initech: Admin created" in output
    assert "3 created, 0 updated, 0 unchanged" in output


def test_running_it_twice_changes_nothing(world):
    Tenant.objects.create(name="Initech", slug="initech")
    run()
    before = state()
    output = run()
    assert state() == before
    assert "0 created, 0 updated, 9 unchanged" in output


def test_it_repairs_a_renamed_built_in_role_and_says_so(world):
    Role.objects.for_tenant(world.home).filter(kind=RoleKind.USER).update(name="Staff")
    output = run("--tenant", "acme")
    assert Role.objects.for_tenant(world.home).get(kind=RoleKind.USER).name == "User"
    assert "acme: User updated (name)" in output
    assert "globex" not in output


def test_reset_restores_default_permissions(world):
    Role.objects.for_tenant(world.home).filter(kind=RoleKind.MANAGER).update(permissions=[])
    assert "unchanged" in run("--tenant", "acme").splitlines()[1]
    run("--tenant", "acme", "--reset")
    manager = Role.objects.for_tenant(world.home).get(kind=RoleKind.MANAGER)
    assert manager.permissions == policy.default_permissions(RoleKind.MANAGER)


def test_an_unknown_tenant_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No organization has the slug 'nope'"):
        run("--tenant", "nope")
