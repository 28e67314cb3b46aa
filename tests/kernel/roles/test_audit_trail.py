"""Every write of tenant administration leaves an audit event in the tenant's log."""

from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.roles.services import role_create, role_delete, role_update, roles_sync_builtin
from opsbase.kernel.tenants.services import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_deactivate,
)
from opsbase.testing.factories import UserFactory, role_of


def events(tenant):
    return list(
        AuditEvent.objects.for_tenant(tenant)
        .order_by("seq")
        .values_list("action", "target_type", "actor__email")
    )


def test_role_writes_are_audited(world):
    admin = world.members["admin"]
    before = len(events(world.home))
    role = role_create(membership=admin, name="Inspector")
    role_update(membership=admin, role=role, description="QC")
    role_delete(membership=admin, role=role)
    assert events(world.home)[before:] == [
        ("create", "roles.role", "admin@acme.test"),
        ("update", "roles.role", "admin@acme.test"),
        ("delete", "roles.role", "admin@acme.test"),
    ]


def test_member_writes_are_audited(world):
    admin = world.members["admin"]
    before = len(events(world.home))
    membership_change_role(
        membership=admin, target=world.spare, role=role_of(world.home, "manager")
    )
    membership_deactivate(membership=admin, target=world.spare)
    assert events(world.home)[before:] == [
        ("update", "tenants.membership", "admin@acme.test"),
        ("membership.deactivate", "tenants.membership", "admin@acme.test"),
    ]


def test_the_invitation_lifecycle_is_audited(world):
    admin = world.members["admin"]
    before = len(events(world.home))
    first = invitation_create(
        membership=admin, email="a@example.test", role=role_of(world.home, "user"), site_url="/"
    )
    invitation_revoke(membership=admin, invitation=first)
    second = invitation_create(
        membership=admin, email="b@example.test", role=role_of(world.home, "user"), site_url="/"
    )
    invitation_accept(token=second.token, user=UserFactory(email="b@example.test"))
    assert events(world.home)[before:] == [
        ("create", "tenants.invitation", "admin@acme.test"),
        ("invitation.revoke", "tenants.invitation", "admin@acme.test"),
        ("create", "tenants.invitation", "admin@acme.test"),
        ("membership.join", "tenants.membership", "b@example.test"),
        ("invitation.accept", "tenants.invitation", "b@example.test"),
    ]


def test_a_token_never_reaches_the_audit_log(world):
    invitation = invitation_create(
        membership=world.members["admin"],
        email="c@example.test",
        role=role_of(world.home, "user"),
        site_url="/",
    )
    logged = str(list(AuditEvent.objects.for_tenant(world.home).values_list("changes", flat=True)))
    assert invitation.token not in logged
    assert invitation.token_hash not in logged


def test_repairs_of_built_in_roles_are_audited_and_no_ops_are_not(world):
    from opsbase.kernel.roles.models import Role

    Role.objects.for_tenant(world.home).filter(kind="user").update(name="Staff")
    before = len(events(world.home))
    roles_sync_builtin(tenant=world.home)
    roles_sync_builtin(tenant=world.home)
    assert events(world.home)[before:] == [("update", "roles.role", None)]
