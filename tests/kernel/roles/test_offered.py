"""A codename declared after an organization's built-in roles were made (a module installed
later, an upgrade) reaches them once, on the next migrate; one the organization removed
from its Manager stays removed."""

import pytest
from django.core.management import call_command

from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.models import Role

NEW = "tasks.view_task"  # a Manager and User default, played as "declared since"


def _role(tenant, kind):
    return Role.objects.for_tenant(tenant).get(kind=kind, is_builtin=True)


def _as_if_declared_since(role, codename=NEW):
    role.permissions = [c for c in role.permissions if c != codename]
    role.offered = [c for c in role.offered if c != codename]
    role.save()


@pytest.mark.parametrize("kind", [RoleKind.MANAGER, RoleKind.USER])
def test_a_migrate_offers_a_new_default_to_the_built_in_roles(world, kind):
    tenant = world.members[kind].tenant
    assert kind in policy.rule(NEW).default_kinds
    _as_if_declared_since(_role(tenant, kind))

    call_command("migrate", verbosity=0)

    role = _role(tenant, kind)
    assert NEW in role.permissions and NEW in role.offered


def test_a_default_the_organization_removed_stays_removed(world):
    tenant = world.members[RoleKind.MANAGER].tenant
    role = _role(tenant, RoleKind.MANAGER)
    role.permissions = [c for c in role.permissions if c != NEW]
    role.save()  # removed by the organization: still in offered

    call_command("migrate", verbosity=0)

    assert NEW not in _role(tenant, RoleKind.MANAGER).permissions


def test_custom_roles_are_left_alone(world):
    tenant = world.members[RoleKind.MANAGER].tenant
    custom = Role.objects.create(tenant=tenant, name="Auditors", slug="auditors", permissions=[])

    call_command("migrate", verbosity=0)

    custom.refresh_from_db()
    assert custom.permissions == [] and custom.offered == []
